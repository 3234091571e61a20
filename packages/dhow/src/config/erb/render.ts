/**
 * @module
 * Renders a config template the way Kamal does (`ERB.new(text, trim_mode: "-").result`), choosing between
 * dhow's built-in evaluator and the system `ruby`: the built-in one handles the common ENV forms; a file
 * using anything else is rendered whole by Ruby; without Ruby that is a clear error naming the construct.
 */
import { ConfigError, MissingToolError } from "../../errors.js";
import { ErbRuntimeError, renderBuiltinErb } from "./eval.js";
import { hasErb } from "./scan.js";
import {
  identityMap,
  lineMatchMap,
  lineStarts,
  segmentMap,
  type TemplateMap,
  toPosition,
} from "../load/template-map.js";

/** Renders an ERB template synchronously (Kamal renders synchronously too). */
export interface ErbRenderer {
  render(template: string, file: string, env: NodeJS.ProcessEnv, options?: ErbRenderOptions): string;
}

/** Optional extras for a render: the working directory and the file name to use in error messages. */
export interface ErbRenderOptions {
  readonly cwd?: string;
  readonly displayFile?: string;
}

/**
 * Renders a template with the system `ruby` and its standard ERB (trim_mode "-"). Throws MissingToolError
 * when Ruby is not installed, and ConfigError (with file and line) when the template raises.
 * The real one is `createRubyErbRenderer` in remote/ruby-erb.ts.
 */
export type RubyRenderer = ErbRenderer;

/** Rendered text and the way back to template positions. */
export interface RenderedTemplate {
  readonly text: string;
  readonly map: TemplateMap;
  /** "none" (no ERB), "builtin" or "ruby": who rendered it. */
  readonly renderedBy: "none" | "builtin" | "ruby";
}

/** What renderTemplate needs. */
export interface RenderTemplateOptions {
  readonly template: string;
  /** The path shown in messages (as the user gave it). */
  readonly file: string;
  /** The absolute path (for Ruby's `__FILE__`/`__dir__`). */
  readonly absoluteFile: string;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly ruby?: RubyRenderer | undefined;
}

/** Renders `template`, using Ruby only when the built-in evaluator cannot. */
export function renderTemplate({
  template,
  file,
  absoluteFile,
  env,
  cwd,
  ruby,
}: RenderTemplateOptions): RenderedTemplate {
  if (!hasErb(template)) return { text: template, map: identityMap(template), renderedBy: "none" };
  let builtin: ReturnType<typeof renderBuiltinErb>;
  try {
    builtin = renderBuiltinErb(template, env);
  } catch (error) {
    if (error instanceof ErbRuntimeError) {
      const { line } = toPosition(lineStarts(template), error.src);
      throw new ConfigError(`${error.message} (${error.rubyClass})`, { location: { file, line } });
    }
    throw error;
  }
  if (builtin.ok) {
    return { text: builtin.output, map: segmentMap(template, builtin.segments), renderedBy: "builtin" };
  }
  const { line } = toPosition(lineStarts(template), builtin.src);
  const needsRuby = (detail: string) =>
    new ConfigError(
      `${builtin.construct} needs Ruby: dhow evaluates only simple ENV lookups and if/unless in ERB itself, ` +
        `and renders any other template with the system \`ruby\`, as Kamal does. ${detail}`,
      { location: { file, line } },
    );
  if (!ruby) throw needsRuby("No Ruby renderer is available here.");
  let output: string;
  try {
    output = ruby.render(template, absoluteFile, env, { cwd, displayFile: file });
  } catch (error) {
    if (error instanceof MissingToolError) throw needsRuby("Install Ruby (e.g. `apt-get install ruby`) and retry.");
    throw error;
  }
  return { text: output, map: lineMatchMap(template, output), renderedBy: "ruby" };
}
