import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { SERVING_V8_FLAGS, withServingFlags } from "./primary.js";

describe("withServingFlags", () => {
  it("adds the serving processes' V8 flags to the primary's own", () => {
    expect(withServingFlags([])).toEqual(["--initial-old-space-size=64"]);
    expect(withServingFlags(["--enable-source-maps"])).toEqual(["--enable-source-maps", "--initial-old-space-size=64"]);
  });

  it("keeps a value the operator gave, in either spelling", () => {
    expect(withServingFlags(["--initial-old-space-size=128"])).toEqual(["--initial-old-space-size=128"]);
    expect(withServingFlags(["--initial_old_space_size=32"])).toEqual(["--initial_old_space_size=32"]);
  });

  it("are the flags the image's kamal-proxy command starts node with", () => {
    const dockerfile = readFileSync(join(dirname(fileURLToPath(import.meta.url)), "../../Dockerfile"), "utf8");
    const wrapper =
      /printf '#!\/bin\/sh\\nexec node ([^']*?) \/opt\/dhow-proxy\/dist\/bin\/dhow-proxy\.js "\$@"\\n' > \/usr\/local\/bin\/kamal-proxy/.exec(
        dockerfile,
      );
    expect(wrapper?.[1]?.split(" ")).toEqual([...SERVING_V8_FLAGS]);
  });
});
