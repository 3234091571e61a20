#!/bin/sh
# Boots one sandbox node. Started by sandbox.ts as
#   nsenter --net=/run/netns/<ns> unshare --mount --uts --propagation slave -- node-boot.sh NAME DIR SSHD
# so it runs in the node's network namespace with its own mount and UTS namespaces. It starts the node's
# daemons in the background (output to files in DIR) and exits; they keep the namespaces alive.
# Not `ip netns exec`: that remounts /sys and loses the cgroup mounts dockerd needs.
set -eu
name=$1 dir=$2 with_sshd=$3

hostname "$name"

# A sysfs of this network namespace (so /sys/class/net lists the node's own interfaces), with the
# host's cgroup tree carried across the remount.
mkdir -p "$dir/.cgroup"
mount --rbind /sys/fs/cgroup "$dir/.cgroup"
mount -t sysfs sysfs /sys
mount --move "$dir/.cgroup" /sys/fs/cgroup

# Private /run: sshd's privilege separation dir, dockerd's exec root and pid file, xtables.lock, and
# /run/docker.sock pointing at this node's engine (so a plain `docker ps` over SSH sees only this node).
mount -t tmpfs -o mode=755,size=64m "$name-run" /run
mkdir -p /run/sshd
ln -s "$dir/docker.sock" /run/docker.sock

# Private home: authorized_keys, ~/.docker/config.json and ~/.kamal are per node.
mount --bind "$dir/root" /root

dockerd --config-file "$dir/daemon.json" </dev/null >"$dir/dockerd.log" 2>&1 &
echo $! >"$dir/dockerd.pid"
if [ "$with_sshd" = 1 ]; then
  /usr/sbin/sshd -D -e -f "$dir/sshd_config" </dev/null >"$dir/sshd.log" 2>&1 &
  echo $! >"$dir/sshd.pid"
fi
