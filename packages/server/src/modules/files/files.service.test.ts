import { describe, expect, it } from 'vitest';
import { PNG_1x1 } from '../../realtime/test/fixtures.js';
import { imageSize, sniffImage } from './files.service.js';


describe('sniffImage', () => {
  it('recognises png, jpeg, gif and webp by magic bytes', () => {
    expect(sniffImage(PNG_1x1)).toBe('image/png');
    expect(sniffImage(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]))).toBe('image/jpeg');
    expect(sniffImage(Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1'))).toBe('image/gif');
    expect(sniffImage(Buffer.from('RIFF\x00\x00\x00\x00WEBPVP8 ', 'latin1'))).toBe('image/webp');
  });
  it('rejects html, svg and scripts whatever they are named', () => {
    expect(sniffImage(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'))).toBeNull();
    expect(sniffImage(Buffer.from('<html><body>hi</body></html>'))).toBeNull();
    expect(sniffImage(Buffer.from('GIF8'))).toBeNull();
  });
  it('reads the pixel size of a png', () => {
    expect(imageSize(PNG_1x1, 'image/png')).toEqual({ width: 1, height: 1 });
  });
});
