import { describe, expect, it } from "vitest";
import { render } from "./command.js";
import { interfaceAddresses, publishedPorts } from "./cross-host.js";

describe("cross-host commands", () => {
  it("lists the host's IPv4 addresses, one line each", () => {
    expect(render(interfaceAddresses())).toBe("ip -4 -o addr show scope global");
  });

  it("shows what a container publishes", () => {
    expect(render(publishedPorts("shop-redis"))).toBe("docker port shop-redis");
  });
});
