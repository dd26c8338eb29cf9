/**
 * Yjs reads every string of an update (map keys, and each key and string value of a JSON value)
 * through lib0's one shared `TextDecoder` (`lib0/string` `utf8TextDecoder`). A native `decode`
 * call costs far more than the few bytes it decodes: loading 100,000 assignments makes ≈ 2.4
 * million such calls, most of the time of the load. For short ASCII-only input, the result of
 * UTF-8 decoding is exactly `String.fromCharCode` of the bytes (ASCII is always valid UTF-8, so the
 * decoder's `fatal` never applies, and a BOM is not ASCII), so that instance's `decode` answers
 * those directly and hands everything else to the native decoder. Other decoders are untouched.
 */
import * as string from 'lib0/string';

/** Longer input goes to the native decoder, which is faster per byte. */
const SHORT = 64;

let installed = false;

export function installAsciiFastPath(): void {
  const decoder = string.utf8TextDecoder as TextDecoder | null;
  if (installed || !decoder) return;
  installed = true;
  const native = TextDecoder.prototype.decode;
  Object.defineProperty(decoder, 'decode', {
    configurable: true,
    writable: true,
    value: function decode(
      this: TextDecoder,
      input?: AllowSharedBufferSource,
      options?: TextDecodeOptions,
    ) {
      if (input instanceof Uint8Array && input.length <= SHORT && options === undefined) {
        for (let i = 0; i < input.length; i++) {
          if (input[i]! > 0x7f) return native.call(this, input, options);
        }
        return String.fromCharCode.apply(null, input as unknown as number[]);
      }
      return native.call(this, input, options);
    },
  });
}
