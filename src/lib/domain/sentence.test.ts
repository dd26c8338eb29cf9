import { describe, expect, it } from 'vitest';
import {
  hasTypedParts,
  instant,
  isSentenceParts,
  joinSentences,
  plain,
  sentence,
  sentenceText,
  timeOfDay,
} from './sentence';

const NOON = '2026-12-01T12:00:00.000Z';
const LATE = '2026-12-01T23:30:00.000Z';

describe('sentence', () => {
  it('keeps instants typed and says them in UTC in its text', () => {
    expect(sentence`Eligible until ${instant(NOON)}.`).toEqual({
      text: 'Eligible until 2026-12-01 12:00 UTC.',
      parts: ['Eligible until ', { instant: NOON }, '.'],
    });
  });

  it('gives a time alone in its text when the date was said, and keeps the whole instant', () => {
    expect(sentence`From ${instant(NOON)} until ${timeOfDay(LATE)}`).toEqual({
      text: 'From 2026-12-01 12:00 UTC until 23:30 UTC',
      parts: ['From ', { instant: NOON }, ' until ', { instant: LATE, timeOnly: true }],
    });
  });

  it('takes strings and numbers as words, merged with the words around them', () => {
    expect(sentence`Request ${2} of ${3} (${'Bo’s'}) was refused.`).toEqual(
      plain('Request 2 of 3 (Bo’s) was refused.'),
    );
  });

  it('splices a sentence in with its own typed values', () => {
    const inner = sentence`It lapsed at ${instant(NOON)}.`;
    expect(sentence`Request 1 of 2: ${inner}`).toEqual({
      text: 'Request 1 of 2: It lapsed at 2026-12-01 12:00 UTC.',
      parts: ['Request 1 of 2: It lapsed at ', { instant: NOON }, '.'],
    });
  });

  it('never takes a value out of words: text that looks like an instant stays words', () => {
    const quoted = sentence`Ada approved: “window ${'2026-12-01 20:00 UTC'} as agreed”`;
    expect(hasTypedParts(quoted.parts)).toBe(false);
  });
});

describe('joinSentences', () => {
  it('puts the separator between sentences and keeps their values', () => {
    expect(
      joinSentences([plain('Ada approved'), sentence`Granted at ${instant(NOON)}`], '. '),
    ).toEqual({
      text: 'Ada approved. Granted at 2026-12-01 12:00 UTC',
      parts: ['Ada approved. Granted at ', { instant: NOON }],
    });
    expect(joinSentences([], '. ')).toEqual(plain(''));
  });
});

describe('isSentenceParts', () => {
  it('accepts what sentence makes, and nothing a reader could not render', () => {
    expect(isSentenceParts(sentence`From ${instant(NOON)} until ${timeOfDay(LATE)}`.parts)).toBe(
      true,
    );
    expect(isSentenceParts([])).toBe(true);
    expect(isSentenceParts('words')).toBe(false);
    expect(isSentenceParts([{ instant: '2026-12-01 12:00 UTC' }])).toBe(false);
    expect(isSentenceParts([{ instant: NOON, timeOnly: 'yes' }])).toBe(false);
    expect(isSentenceParts([null])).toBe(false);
  });

  it('spells parts back as their text', () => {
    const said = sentence`From ${instant(NOON)} until ${timeOfDay(LATE)}`;
    expect(sentenceText(said.parts)).toBe(said.text);
  });
});
