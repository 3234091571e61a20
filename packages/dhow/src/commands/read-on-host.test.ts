import { describe, expect, it } from "vitest";
import { render } from "./command.js";
import { readOnHost } from "./read-on-host.js";

describe("readOnHost", () => {
  it("puts the read in as a command substitution, after the builder quoted its values", () => {
    const command = ["docker", "exec", "kamal-proxy", "kamal-proxy", "deploy", "app-web", '--target="ID:3000"'];
    const read = ["docker", "container", "ls", "--all", "--filter", "'name=^app-web-1$'", "--quiet"];
    expect(render(readOnHost(command, "ID", read))).toBe(
      "docker exec kamal-proxy kamal-proxy deploy app-web --target=\"$(docker container ls --all --filter 'name=^app-web-1$' --quiet):3000\"",
    );
  });

  it("keeps `$'` and `$&` in the read literal", () => {
    expect(render(readOnHost(["echo", "X"], "X", ["printf", "$'a'$&"]))).toBe("echo $(printf $'a'$&)");
  });
});
