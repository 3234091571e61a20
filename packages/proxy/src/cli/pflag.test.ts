import { describe, expect, it } from "vitest";
import { collectSlice, durationFlag, intFlag, normalizeBooleanFlags, splitCsv } from "./pflag.js";

describe("normalizeBooleanFlags", () => {
  const flags = new Set(["tls", "buffer-requests"]);

  it("rewrites pflag boolean values", () => {
    expect(normalizeBooleanFlags(["--tls=false", "--buffer-requests=true", "--tls=0", "--tls=T"], flags)).toEqual([
      "--no-tls",
      "--buffer-requests",
      "--no-tls",
      "--tls",
    ]);
  });

  it("leaves other flags, bare booleans and arguments after -- alone", () => {
    expect(normalizeBooleanFlags(["--tls", "--host=a=b", "--", "--tls=false"], flags)).toEqual([
      "--tls",
      "--host=a=b",
      "--",
      "--tls=false",
    ]);
  });

  it("rejects values ParseBool would", () => {
    expect(() => normalizeBooleanFlags(["--tls=yes"], flags)).toThrow(
      'invalid argument "yes" for "--tls" flag: strconv.ParseBool: parsing "yes": invalid syntax',
    );
  });
});

describe("slices", () => {
  it("split commas and accumulate repeats", () => {
    expect(collectSlice("c", collectSlice("a,b", undefined))).toEqual(["a", "b", "c"]);
    expect(splitCsv('"a,b",c')).toEqual(["a,b", "c"]);
    expect(splitCsv("")).toEqual([]);
  });
});

describe("scalar flags", () => {
  it("parse durations and ints with pflag messages", () => {
    expect(durationFlag("deploy-timeout", "1m30s")).toBe(90_000);
    expect(() => durationFlag("deploy-timeout", "30")).toThrow(
      'invalid argument "30" for "--deploy-timeout" flag: time: invalid duration "30"',
    );
    expect(intFlag("buffer-memory", "1048576")).toBe(1048576);
    expect(intFlag("buffer-memory", "0x10")).toBe(16);
    expect(() => intFlag("buffer-memory", "1MB")).toThrow(
      'invalid argument "1MB" for "--buffer-memory" flag: strconv.ParseInt: parsing "1MB": invalid syntax',
    );
  });
});
