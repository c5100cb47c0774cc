// Byte-level reading and writing for audit.codec.ts: unsigned LEB128 varints (safe integers only), float64, raw bytes.

export class BodyWriter {
  private readonly chunks: number[] = [];
  private readonly buffers: Buffer[] = [];

  byte(b: number): void {
    this.chunks.push(b);
  }

  varint(n: number): void {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not a varint: ${n}`);
    while (n >= 0x80) {
      this.chunks.push((n % 0x80) | 0x80);
      n = Math.floor(n / 0x80);
    }
    this.chunks.push(n);
  }

  float(v: number): void {
    const b = Buffer.alloc(8);
    b.writeDoubleBE(v);
    this.raw(b);
  }

  raw(bytes: Uint8Array): void {
    this.flush();
    this.buffers.push(Buffer.from(bytes));
  }

  done(): Buffer {
    this.flush();
    return Buffer.concat(this.buffers);
  }

  private flush(): void {
    if (this.chunks.length === 0) return;
    this.buffers.push(Buffer.from(this.chunks));
    this.chunks.length = 0;
  }
}

export class BodyReader {
  private at = 0;
  private readonly buf: Buffer;

  constructor(bytes: Uint8Array) {
    this.buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  byte(): number {
    const b = this.buf[this.at];
    if (b === undefined) throw new RangeError('audit body ends early');
    this.at++;
    return b;
  }

  /** The next byte, not consumed. */
  peek(): number {
    const b = this.buf[this.at];
    if (b === undefined) throw new RangeError('audit body ends early');
    return b;
  }

  varint(): number {
    let n = 0;
    for (let scale = 1; ; scale *= 0x80) {
      const b = this.byte();
      n += (b & 0x7f) * scale;
      if (!Number.isSafeInteger(n)) throw new RangeError('audit body varint too large');
      if (b < 0x80) return n;
    }
  }

  /** A length or element count: each element takes at least one byte, so more than what is left is corrupt. */
  count(): number {
    const n = this.varint();
    if (n > this.buf.length - this.at) throw new RangeError('audit body count exceeds its bytes');
    return n;
  }

  float(): number {
    return this.bytes(8).readDoubleBE(0);
  }

  bytes(n: number): Buffer {
    if (this.at + n > this.buf.length) throw new RangeError('audit body ends early');
    const out = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }

  rest(): Buffer {
    return this.bytes(this.buf.length - this.at);
  }

  end(): void {
    if (this.at !== this.buf.length) throw new RangeError('audit body has trailing bytes');
  }
}
