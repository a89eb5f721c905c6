import { describe, expect, it } from 'vitest';
import { TINY_PNG_BASE64 } from '@switchboard/testing';
import { imagesOf } from './chat-attachments';

const base64 = (bytes: number[] | string) => Buffer.from(typeof bytes === 'string' ? bytes : Uint8Array.from(bytes)).toString('base64');

describe('imagesOf', () => {
  it('takes each accepted format by its first bytes', () => {
    const images = imagesOf([
      { mimeType: 'image/png', content: TINY_PNG_BASE64, fileName: 'tiny.png' },
      { mimeType: 'image/jpeg', content: base64([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]) },
      { mimeType: 'image/gif', content: base64('GIF89a\x01\x00\x01\x00') },
      { mimeType: 'image/webp', content: base64('RIFF\x24\x00\x00\x00WEBPVP8 ') },
    ]);
    expect(images.map((image) => image.mimeType)).toEqual(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
    expect(images[0]).toEqual({ mimeType: 'image/png', dataBase64: TINY_PNG_BASE64, fileName: 'tiny.png' });
  });

  it('refuses content that is not the format it claims, naming the attachment', () => {
    expect(() => imagesOf([{ mimeType: 'image/png', content: TINY_PNG_BASE64 }, { mimeType: 'image/gif', content: TINY_PNG_BASE64, fileName: 'x.gif' }])).toThrow(
      'attachments[1] (x.gif): the content is not a valid image/gif file',
    );
    expect(() => imagesOf([{ mimeType: 'image/webp', content: base64('RIFF\x24\x00\x00\x00WAVEfmt ') }])).toThrow('attachments[0]: the content is not a valid image/webp file');
  });

  it('has nothing to check without attachments', () => {
    expect(imagesOf()).toEqual([]);
  });
});
