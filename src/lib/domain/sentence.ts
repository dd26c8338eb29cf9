/**
 * Sentences for people as text and typed values, so that no reader has to find a value in the
 * words again. `text` is the canonical spelling, every instant in UTC (`formatInstant`): the
 * relay and every client produce it byte for byte, and it is what a rejection keeps as its
 * `message`. `parts` hold the same sentence with each instant as an RFC 3339 value, for a reader
 * to say in its own zone (the app's `renderSentence`, `src/lib/components/format.ts`).
 */
import type { Iso } from './model';
import { formatInstant, isValidIso } from './time';

/**
 * An instant inside a sentence. `timeOnly`: the canonical text gives the time alone ("14:05
 * UTC") because the sentence already said its date; a reader saying it another way may ignore it.
 */
export type InstantPart = { instant: Iso; timeOnly?: true };

/** Words as they are, or a typed value. JSON as it stands, so it can be kept in the ledger. */
export type SentencePart = string | InstantPart;

export type Sentence = { text: string; parts: SentencePart[] };

/** What a sentence may be built from: words, numbers, instants and whole sentences. */
export type SentenceValue = string | number | InstantPart | Sentence;

/** An instant, said with its date. */
export const instant = (iso: Iso): InstantPart => ({ instant: iso });

/** An instant whose date the sentence has already said: the canonical text gives its time alone. */
export const timeOfDay = (iso: Iso): InstantPart => ({ instant: iso, timeOnly: true });

/** Words with no typed value in them. */
export const plain = (text: string): Sentence => ({ text, parts: text === '' ? [] : [text] });

/** The canonical text of `parts`: words as they are, each instant in UTC. */
export function sentenceText(parts: readonly SentencePart[]): string {
  let text = '';
  for (const part of parts) text += typeof part === 'string' ? part : utc(part);
  return text;
}

/**
 * A sentence from a template: `` sentence`Eligible until ${instant(endsAt)}.` `` keeps the
 * instant typed; a string or number value is words, a Sentence value is spliced in with its own
 * typed values. Adjacent words are merged, so a sentence without values is one string part.
 */
export function sentence(strings: TemplateStringsArray, ...values: SentenceValue[]): Sentence {
  return compose(
    strings.flatMap((words, i) => (i < values.length ? [words, values[i]!] : [words])),
  );
}

/** The sentences one after another, `separator` between them. */
export function joinSentences(sentences: readonly Sentence[], separator: string): Sentence {
  return compose(sentences.flatMap((s, i) => (i === 0 ? [s] : [separator, s])));
}

/** True when some part is a typed value, i.e. the parts say more than their text. */
export const hasTypedParts = (parts: readonly SentencePart[]): boolean =>
  parts.some((part) => typeof part !== 'string');

/**
 * True when `value` is a list of parts as `sentence` makes them: for parts read back from the
 * ledger or the wire before a reader trusts them.
 */
export function isSentenceParts(value: unknown): value is SentencePart[] {
  return (
    Array.isArray(value) &&
    value.every(
      (part) =>
        typeof part === 'string' ||
        (typeof part === 'object' &&
          part !== null &&
          isValidIso((part as InstantPart).instant) &&
          ((part as InstantPart).timeOnly === undefined ||
            (part as InstantPart).timeOnly === true)),
    )
  );
}

function compose(values: readonly SentenceValue[]): Sentence {
  const parts: SentencePart[] = [];
  const add = (part: SentencePart) => {
    if (typeof part !== 'string') {
      parts.push(part);
    } else if (part !== '') {
      const last = parts.length - 1;
      if (typeof parts[last] === 'string') parts[last] += part;
      else parts.push(part);
    }
  };
  for (const value of values) {
    if (typeof value === 'string' || typeof value === 'number') add(String(value));
    else if ('parts' in value) value.parts.forEach(add);
    else add(value);
  }
  return { text: sentenceText(parts), parts };
}

function utc(part: InstantPart): string {
  return part.timeOnly ? `${part.instant.slice(11, 16)} UTC` : formatInstant(part.instant);
}
