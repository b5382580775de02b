/**
 * Growable buffers for column storage. Where the runtime has resizable ArrayBuffers (ES2024; Node 20, Electron 29),
 * a buffer reserves address space up front and grows and shrinks in place: no copy on growth, and trimming to the
 * final length returns the unused pages instead of allocating a second, exact-size copy (which would double the peak
 * memory of a big file). Elsewhere buffers are replaced by larger copies and trimmed by copying.
 */

/** The ES2024 members of a resizable ArrayBuffer (the project's lib is ES2022). */
interface Resizable {
  readonly resizable: boolean;
  readonly maxByteLength: number;
  resize(byteLength: number): void;
}

type ResizableConstructor = new (byteLength: number, options: { maxByteLength: number }) => ArrayBuffer & Resizable;

/** Buffers below this size are plain (a wide file must not map one region per column). */
const RESIZABLE_FROM = 1 << 20;

const canResize = typeof (ArrayBuffer.prototype as Partial<Resizable>).resize === 'function';

function asResizable(buffer: ArrayBuffer): (ArrayBuffer & Resizable) | null {
  const b = buffer as ArrayBuffer & Partial<Resizable>;
  return b.resizable === true ? (b as ArrayBuffer & Resizable) : null;
}

/** A zeroed buffer of `bytes`; from 1 MB on resizable up to twice that where the runtime allows. */
export function allocateBuffer(bytes: number): ArrayBuffer {
  if (canResize && bytes >= RESIZABLE_FROM) {
    try {
      return new (ArrayBuffer as unknown as ResizableConstructor)(bytes, { maxByteLength: bytes * 2 });
    } catch {
      // address space refused: fall through to a plain buffer
    }
  }
  return new ArrayBuffer(bytes);
}

/** A buffer of at least `bytes` holding the first `keepBytes` of `buffer`: the same one, resized, when possible. */
export function growBuffer(buffer: ArrayBuffer, bytes: number, keepBytes: number): ArrayBuffer {
  const r = asResizable(buffer);
  if (r !== null && bytes <= r.maxByteLength) {
    r.resize(bytes);
    return r;
  }
  const next = allocateBuffer(bytes);
  new Uint8Array(next).set(new Uint8Array(buffer, 0, keepBytes));
  return next;
}

/** A buffer of exactly `bytes` holding the first `bytes` of `buffer`: shrunk in place when possible. */
export function trimBuffer(buffer: ArrayBuffer, bytes: number): ArrayBuffer {
  if (buffer.byteLength === bytes) return buffer;
  const r = asResizable(buffer);
  if (r !== null) {
    r.resize(bytes);
    return r;
  }
  return buffer.slice(0, bytes);
}
