/**
 * @module
 * Maps a position in ERB-rendered text back to the line and column of the template the user wrote.
 *
 * With the built-in ERB evaluator the map is exact: rendering records, for every piece of output, the
 * template offset it came from (literal text keeps its columns; a `<%= %>` result maps to its tag).
 * When the system `ruby` renders, only the output is known, so lines are aligned by content: each output
 * line is matched to the next template line with the same text (ERB tags rarely span lines, so most lines
 * are copied verbatim); lines that differ (they held a tag) map to the template line after the previous
 * match. Columns are exact on matched lines and approximate elsewhere.
 */

/** A 1-based line and column in the template. */
export interface TemplatePosition {
  readonly line: number;
  readonly column: number;
}

/** Rendered text plus the way back to the template. */
export interface TemplateMap {
  position(outputOffset: number): TemplatePosition;
}

/** One run of output that came from one place in the template. */
export interface OutputSegment {
  readonly outStart: number;
  readonly outEnd: number;
  readonly srcStart: number;
  /** Literal template text (columns carry over) rather than the result of an expression. */
  readonly literal: boolean;
}

/** The identity map: the template was used as-is. */
export function identityMap(text: string): TemplateMap {
  const starts = lineStarts(text);
  return { position: (offset) => toPosition(starts, offset) };
}

/** An exact map built from the segments the built-in renderer recorded. */
export function segmentMap(template: string, segments: readonly OutputSegment[]): TemplateMap {
  const starts = lineStarts(template);
  return {
    position(offset) {
      let low = 0;
      let high = segments.length - 1;
      let found: OutputSegment | undefined;
      while (low <= high) {
        const mid = (low + high) >> 1;
        const segment = segments[mid]!;
        if (offset < segment.outStart) high = mid - 1;
        else if (offset >= segment.outEnd && !(offset === segment.outEnd && mid === segments.length - 1)) low = mid + 1;
        else {
          found = segment;
          break;
        }
      }
      if (!found) return toPosition(starts, template.length);
      const src = found.literal ? found.srcStart + (offset - found.outStart) : found.srcStart;
      return toPosition(starts, src);
    },
  };
}

/** An approximate map for text rendered elsewhere (system ruby), aligned line by line. */
export function lineMatchMap(template: string, output: string): TemplateMap {
  const templateLines = template.split("\n");
  const outputLines = output.split("\n");
  const outputStarts = lineStarts(output);
  const matches = alignLines(templateLines, outputLines);
  const lineOf: number[] = [];
  const exact: boolean[] = [];
  // Unmatched output lines sit between two matched anchors: walk the template gap alongside them.
  const nextMatches: (number | undefined)[] = new Array(outputLines.length).fill(undefined);
  for (let index = outputLines.length - 2; index >= 0; index--)
    nextMatches[index] = matches[index + 1] ?? nextMatches[index + 1];
  let previousTemplate = -1;
  let previousOutput = -1;
  for (let index = 0; index < outputLines.length; index++) {
    const match = matches[index];
    if (match !== undefined) {
      lineOf.push(match + 1);
      exact.push(true);
      previousTemplate = match;
      previousOutput = index;
      continue;
    }
    const guess = previousTemplate + (index - previousOutput);
    const nextMatch = nextMatches[index];
    const limit = nextMatch === undefined ? templateLines.length - 1 : Math.max(nextMatch - 1, previousTemplate + 1);
    lineOf.push(Math.max(1, Math.min(guess, limit, templateLines.length - 1) + 1));
    exact.push(false);
  }
  return {
    position(offset) {
      const at = toPosition(outputStarts, offset);
      const index = at.line - 1;
      return { line: lineOf[index] ?? at.line, column: exact[index] ? at.column : 1 };
    },
  };
}

/**
 * Longest-common-subsequence alignment of lines: for each output line, the template line it is a
 * verbatim copy of (or undefined). Falls back to a greedy forward scan for very large inputs.
 */
function alignLines(templateLines: readonly string[], outputLines: readonly string[]): (number | undefined)[] {
  const n = templateLines.length;
  const m = outputLines.length;
  const result: (number | undefined)[] = new Array(m).fill(undefined);
  if (n * m > 4_000_000) {
    let next = 0;
    outputLines.forEach((line, index) => {
      const found = templateLines.indexOf(line, next);
      if (found !== -1 && found - next < 50) {
        result[index] = found;
        next = found + 1;
      }
    });
    return result;
  }
  const table = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i * (m + 1) + j] =
        templateLines[i] === outputLines[j]
          ? table[(i + 1) * (m + 1) + j + 1]! + 1
          : Math.max(table[(i + 1) * (m + 1) + j]!, table[i * (m + 1) + j + 1]!);
    }
  }
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (templateLines[i] === outputLines[j]) {
      result[j] = i;
      i++;
      j++;
    } else if (table[(i + 1) * (m + 1) + j]! >= table[i * (m + 1) + j + 1]!) {
      i++;
    } else {
      j++;
    }
  }
  return result;
}

/** Offsets at which each line of `text` starts. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let index = text.indexOf("\n"); index !== -1; index = text.indexOf("\n", index + 1)) starts.push(index + 1);
  return starts;
}

/** 1-based line and column of `offset` given the line starts. */
export function toPosition(starts: readonly number[], offset: number): TemplatePosition {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid]! <= offset) low = mid;
    else high = mid - 1;
  }
  return { line: low + 1, column: offset - starts[low]! + 1 };
}
