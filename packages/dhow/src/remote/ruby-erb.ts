/**
 * @module
 * Renders a config template with the system `ruby` and its standard ERB (trim_mode "-"), as Kamal does,
 * for templates dhow's built-in evaluator does not handle (require, shell calls, Dotenv, loops, …).
 *
 * The template goes in on stdin; ENV is the given environment; `__FILE__`/`__dir__` are the real file
 * path; the working directory is the project root. Kamal renders inside its own process, where yaml, uri,
 * pathname, ActiveSupport and the dotenv gem are loaded, so the script loads them when installed and otherwise
 * defines ActiveSupport's `blank?`/`present?`/`presence` and a small `Dotenv.load` that refuses `$`
 * substitutions it cannot do exactly (a plain Debian `ruby` has neither gem).
 */
import { ConfigError, MissingToolError } from "../errors.js";
import { type LocalOptions, type LocalResult, runLocalSync } from "./local.js";

/** The renderer shape config/load/load-file.ts accepts (structurally identical to its ErbRenderer). */
export interface RubyErbRenderer {
  render(
    template: string,
    file: string,
    env: NodeJS.ProcessEnv,
    options?: { readonly cwd?: string; readonly displayFile?: string },
  ): string;
}

/** Options for createRubyErbRenderer. */
export interface RubyErbRendererOptions {
  /** The Ruby executable (default `ruby` on PATH). */
  readonly ruby?: string;
  /** Runs a program synchronously (default: runLocalSync). */
  readonly run?: (file: string, args: readonly string[], options?: LocalOptions) => LocalResult;
  /** Milliseconds before the render is abandoned (default: none; templates may call slow CLIs). */
  readonly timeoutMs?: number;
}

const ERROR_MARKER = "DHOW-ERB-ERROR ";

/** The default renderer: `ruby` on PATH, run with runLocalSync. */
export const rubyRenderer: RubyErbRenderer = createRubyErbRenderer();

/** Creates the renderer that shells out to Ruby. */
export function createRubyErbRenderer({
  ruby = "ruby",
  run = runLocalSync,
  timeoutMs,
}: RubyErbRendererOptions = {}): RubyErbRenderer {
  return {
    render(template, file, env, options = {}) {
      const displayFile = options.displayFile ?? file;
      const result = run(ruby, ["-e", RUBY_SCRIPT, "--", file], {
        input: template,
        env,
        ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
      });
      if (result.notFound) {
        throw new MissingToolError(`Ruby is needed to render ${displayFile}, but \`${ruby}\` was not found on PATH`);
      }
      if (result.exitCode === 0) return result.stdout;
      throw renderError(result, displayFile);
    },
  };
}

/** Turns the script's error report (or any other failure) into a ConfigError at the template line. */
function renderError(result: LocalResult, displayFile: string): ConfigError {
  const report = result.stderr.split("\n").find((line) => line.startsWith(ERROR_MARKER));
  if (report) {
    try {
      const [rubyClass, line, message] = JSON.parse(report.slice(ERROR_MARKER.length)) as [
        string,
        number | null,
        string,
      ];
      const text = cleanMessage(message);
      return new ConfigError(`${text} (${rubyClass})`, {
        location: line === null ? { file: displayFile } : { file: displayFile, line },
      });
    } catch {
      // fall through to the generic message
    }
  }
  const detail = result.stderr.trim().split("\n").slice(0, 5).join("\n");
  return new ConfigError(`Ruby failed to render the ERB in ${displayFile} (exit ${result.exitCode}): ${detail}`, {
    location: { file: displayFile },
  });
}

/** First line of a Ruby message, without a leading `path:LINE:` (SyntaxError repeats the location). */
function cleanMessage(message: string): string {
  const first = message.split("\n").find((line) => line.trim() !== "") ?? message;
  return first.replace(/^\S+?:\d+:\s*/, "").trim();
}

const RUBY_SCRIPT = String.raw`
require "erb"
require "json"
require "yaml"
require "pathname"
require "uri"
require "securerandom"
file = ARGV[0]
template = STDIN.read.force_encoding(Encoding::UTF_8)

begin
  require "active_support"
  require "active_support/core_ext/object/blank"
rescue LoadError
  class Object
    def blank?; respond_to?(:empty?) ? !!empty? : !self; end
    def present?; !blank?; end
    def presence; self if present?; end
  end
  class NilClass; def blank?; true; end; end
  class FalseClass; def blank?; true; end; end
  class TrueClass; def blank?; false; end; end
  class Numeric; def blank?; false; end; end
  class String; def blank?; empty? || /\A[[:space:]]*\z/.match?(self); end; end
end

begin
  require "dotenv"
rescue LoadError
  module Dotenv
    def self.parse(*files)
      files = [".env"] if files.empty?
      files.flatten.each_with_object({}) do |path, values|
        next unless File.exist?(path)
        File.foreach(path) do |raw|
          line = raw.chomp
          next if line.match?(/\A\s*(#.*)?\z/)
          match = line.match(/\A\s*(?:export\s+)?([\w.]+)\s*[=:]\s?(.*)\z/)
          raise "dhow's Dotenv stand-in cannot parse #{path}: #{line[0, 40]} (install the dotenv gem)" unless match
          key, value = match[1], match[2].strip
          if (quoted = value.match(/\A'(.*)'\s*(#.*)?\z/))
            value = quoted[1]
          elsif (quoted = value.match(/\A"(.*)"\s*(#.*)?\z/))
            value = quoted[1].gsub('\n', "\n").gsub('\"', '"')
            raise "#{path}: $ substitution needs the dotenv gem (gem install dotenv)" if value.include?("$")
          else
            value = value.sub(/\s+#.*\z/, "")
            raise "#{path}: $ substitution needs the dotenv gem (gem install dotenv)" if value.include?("$")
          end
          values[key] = value
        end
      end
    end

    def self.load(*files, overwrite: false)
      parse(*files).each { |key, value| ENV[key] = value if overwrite || !ENV.key?(key) }
    end

    def self.load!(*files)
      files = [".env"] if files.empty?
      files.flatten.each { |path| raise Errno::ENOENT, path unless File.exist?(path) }
      load(*files)
    end

    def self.overload(*files)
      load(*files, overwrite: true)
    end
  end

  module Kernel
    alias_method :__dhow_require, :require
    def require(name)
      return false if name == "dotenv"
      if name == "dotenv/load"
        Dotenv.load
        return false
      end
      __dhow_require(name)
    end
    private :require
  end
end

begin
  erb = ERB.new(template, trim_mode: "-")
  erb.filename = file
  STDOUT.binmode
  STDOUT.write(erb.result)
rescue Exception => e
  line = (e.backtrace_locations || []).find { |location| location.path == file }&.lineno
  line ||= e.message[/#{Regexp.escape(file)}:(\d+)/, 1]&.to_i
  STDERR.puts "${ERROR_MARKER}" + JSON.generate([e.class.name, line, e.message.to_s.encode("UTF-8", invalid: :replace, undef: :replace)])
  exit 3
end
`;
