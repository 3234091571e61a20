/**
 * @module
 * What `dhow init` writes: a starter config/deploy.yml, .kamal/secrets, and one sample for each of the 9 hooks.
 * Kamal-compatible: the same paths and hook names, so `kamal` and `dhow` can both use the result.
 */

/** config/deploy.yml */
export const DEPLOY_YML_TEMPLATE = `# dhow (and Kamal 2) deployment configuration. Run \`dhow docs\` for every key, \`dhow config\` to see the result.

# Prefix for container names, labels and directories on the servers.
service: my-app

# The image repository, without the registry server.
image: my-user/my-app

# The servers to deploy to. One role, web, behind the proxy:
servers:
  web:
    - 192.168.0.1
  # A second role without the proxy, running a different command:
  # job:
  #   hosts:
  #     - 192.168.0.1
  #   cmd: bin/jobs

# The proxy routes requests to the web role and switches versions without downtime.
# With ssl: true, the proxy gets a Let's Encrypt certificate for the host (it must point at the server).
proxy:
  ssl: true
  host: app.example.com
  # The port your app listens on inside the container:
  # app_port: 3000

# Where images are pushed and pulled. The password is read from .kamal/secrets.
registry:
  # Docker Hub when no server is given:
  # server: registry.example.com
  username: my-user
  password:
    - KAMAL_REGISTRY_PASSWORD

# Environment for the app containers. Secret values come from .kamal/secrets.
env:
  secret:
    - RAILS_MASTER_KEY
  # clear:
  #   DB_HOST: 192.168.0.2

# Shortcuts: \`dhow console\` runs \`dhow app exec --interactive --reuse "bin/rails console"\`.
# aliases:
#   console: app exec --interactive --reuse "bin/rails console"
#   shell: app exec --interactive --reuse "bash"

# Named volumes or bind mounts for the app containers:
# volumes:
#   - "app_storage:/app/storage"

# Keep assets of the previous version available while a deploy switches over:
# asset_path: /app/public/assets

# How the image is built (the architecture is required).
builder:
  arch: amd64
  # Build remotely when the local machine has another architecture:
  # remote: ssh://docker@docker-builder-server
  # args:
  #   RUBY_VERSION: 3.3.0
  # secrets:
  #   - GITHUB_TOKEN

# SSH login user (root by default):
# ssh:
#   user: app

# Other services the app uses (databases, caches), managed separately from deploys:
# accessories:
#   db:
#     image: mysql:8.0
#     host: 192.168.0.2
#     port: "127.0.0.1:3306:3306"
#     env:
#       clear:
#         MYSQL_ROOT_HOST: '%'
#       secret:
#         - MYSQL_ROOT_PASSWORD
#     directories:
#       - data:/var/lib/mysql
#   redis:
#     image: redis:7.0
#     host: 192.168.0.2
#     port: 6379
#     directories:
#       - data:/data
`;

/** .kamal/secrets */
export const SECRETS_TEMPLATE = `# Secrets for the deploy, one KEY=value per line (dotenv syntax). Never commit real values:
# read them from the environment, a file, a command or a password manager.
#
# From a password manager (1password, bitwarden, bitwarden-sm, lastpass, aws_secrets_manager, gcp, doppler,
# enpass, passbolt):
#   SECRETS=$(dhow secrets fetch --adapter 1password --account my-account --from Vault/Item KAMAL_REGISTRY_PASSWORD RAILS_MASTER_KEY)
#   KAMAL_REGISTRY_PASSWORD=$(dhow secrets extract KAMAL_REGISTRY_PASSWORD \${SECRETS})
#
# From the environment of the shell running dhow:
KAMAL_REGISTRY_PASSWORD=$KAMAL_REGISTRY_PASSWORD

# From a file:
RAILS_MASTER_KEY=$(cat config/master.key)
`;

/** The hooks dhow and Kamal run, in the order a deploy meets them. */
export const HOOK_NAMES = [
  "docker-setup",
  "pre-connect",
  "pre-build",
  "pre-deploy",
  "pre-app-boot",
  "post-app-boot",
  "post-deploy",
  "pre-proxy-reboot",
  "post-proxy-reboot",
] as const;

const HOOK_PURPOSE: Record<(typeof HOOK_NAMES)[number], string> = {
  "docker-setup": "Runs once Docker is installed on the servers by `dhow server bootstrap` (part of `dhow setup`).",
  "pre-connect": "Runs before the first SSH connection of a command, e.g. to warm DNS or open a VPN.",
  "pre-build":
    "Runs before the image is built; exit non-zero to stop the deploy (e.g. uncommitted changes, failing CI).",
  "pre-deploy": "Runs after the image is pushed and the deploy lock is taken, before any container boots.",
  "pre-app-boot": "Runs before each group of hosts boots the new version ($KAMAL_HOSTS lists the group).",
  "post-app-boot": "Runs after each group of hosts booted the new version ($KAMAL_HOSTS lists the group).",
  "post-deploy": "Runs after a deploy, redeploy or rollback finished; $KAMAL_RUNTIME is the duration in seconds.",
  "pre-proxy-reboot": "Runs before the proxy is rebooted on a group of hosts ($KAMAL_HOSTS).",
  "post-proxy-reboot": "Runs after the proxy was rebooted on a group of hosts ($KAMAL_HOSTS).",
};

/** The sample script for one hook (written as `.kamal/hooks/<name>.sample`; drop the suffix to enable it). */
export function hookSample(name: (typeof HOOK_NAMES)[number]): string {
  return `#!/bin/sh

# ${name}: ${HOOK_PURPOSE[name]}
# Hooks run on the machine you deploy from. A non-zero exit stops the command.
# Remove the .sample suffix to enable this hook.
#
# Environment available to every hook:
#   KAMAL_RECORDED_AT   UTC time of the run (ISO 8601)
#   KAMAL_PERFORMER     who deploys (git user.email, else the login name)
#   KAMAL_SERVICE       the service name
#   KAMAL_VERSION       the version being deployed
#   KAMAL_SERVICE_VERSION  service@short-version
#   KAMAL_HOSTS         the hosts the command acts on (comma separated)
#   KAMAL_COMMAND, KAMAL_SUBCOMMAND  the command that runs the hook
#   KAMAL_DESTINATION   the destination (-d), if any
#   KAMAL_ROLES         the roles (--roles), if given
#   KAMAL_LOCK          "true" while the deploy lock is held

echo "${name}: $KAMAL_PERFORMER runs $KAMAL_COMMAND \${KAMAL_SUBCOMMAND:-} for $KAMAL_SERVICE_VERSION on $KAMAL_HOSTS"
`;
}
