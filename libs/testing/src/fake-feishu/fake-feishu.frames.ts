/**
 * The frames of Feishu's long connection (protobuf message `pbbp2.Frame`), written and read here
 * with the few protobuf wire rules they need, so the fake speaks what the SDK's client expects:
 * 1 SeqID, 2 LogID (uint64), 3 service, 4 method (int32; method 0 control, 1 data),
 * 5 headers (repeated {1 key, 2 value}), 6 payloadEncoding, 7 payloadType, 8 payload (bytes), 9 LogIDNew.
 */
export interface LarkFrame {
  seqId: number;
  logId: number;
  service: number;
  method: number;
  headers: Record<string, string>;
  payload?: Buffer;
}

export const FRAME_CONTROL = 0;
export const FRAME_DATA = 1;

const VARINT = 0;
const BYTES = 2;

export function encodeFrame(frame: LarkFrame): Buffer {
  const parts: Buffer[] = [
    varintField(1, frame.seqId),
    varintField(2, frame.logId),
    varintField(3, frame.service),
    varintField(4, frame.method),
    ...Object.entries(frame.headers).map(([key, value]) => bytesField(5, Buffer.concat([bytesField(1, Buffer.from(key)), bytesField(2, Buffer.from(value))]))),
  ];
  if (frame.payload) parts.push(bytesField(8, frame.payload));
  return Buffer.concat(parts);
}

export function decodeFrame(data: Buffer): LarkFrame {
  const frame: LarkFrame = { seqId: 0, logId: 0, service: 0, method: 0, headers: {} };
  for (const field of fields(data)) {
    if (field.number === 1) frame.seqId = field.value as number;
    else if (field.number === 2) frame.logId = field.value as number;
    else if (field.number === 3) frame.service = field.value as number;
    else if (field.number === 4) frame.method = field.value as number;
    else if (field.number === 5) {
      const header = Object.fromEntries(fields(field.value as Buffer).map((part) => [part.number, (part.value as Buffer).toString('utf8')]));
      frame.headers[header[1] ?? ''] = header[2] ?? '';
    } else if (field.number === 8) frame.payload = field.value as Buffer;
  }
  return frame;
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

function varintField(number: number, value: number): Buffer {
  return Buffer.concat([varint((number << 3) | VARINT), varint(value)]);
}

function bytesField(number: number, value: Buffer): Buffer {
  return Buffer.concat([varint((number << 3) | BYTES), varint(value.length), value]);
}

function fields(data: Buffer): { number: number; value: number | Buffer }[] {
  const out: { number: number; value: number | Buffer }[] = [];
  let at = 0;
  const readVarint = () => {
    let value = 0;
    let scale = 1;
    for (;;) {
      const byte = data[at++];
      if (byte === undefined) throw new Error('truncated frame');
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 0x80;
    }
  };
  while (at < data.length) {
    const key = readVarint();
    const number = Math.floor(key / 8);
    const wireType = key & 7;
    if (wireType === VARINT) out.push({ number, value: readVarint() });
    else if (wireType === BYTES) {
      const length = readVarint();
      out.push({ number, value: data.subarray(at, at + length) });
      at += length;
    } else throw new Error(`unexpected wire type ${wireType} in a frame`);
  }
  return out;
}
