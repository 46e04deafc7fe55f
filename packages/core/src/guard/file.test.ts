import { describe, expect, it } from 'vitest';
import { screenFile, sniffBytes } from './file.js';

const bytes = (...parts: Array<number[] | string>) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));

const PNG = bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'IHDR');
const JPEG = bytes([0xff, 0xd8, 0xff, 0xe0], 'JFIF');
const GIF = bytes('GIF89a', [1, 0]);
const WEBP = bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 ');
const MZ = bytes('MZ', [0x90, 0]);
const ELF = bytes([0x7f], 'ELF', [2, 1]);
const ZIP = bytes('PK', [3, 4], 'readme.txt');
const ZIP_EXE = bytes('PK', [3, 4], 'invoice.exe');
const DOCM = bytes('PK', [3, 4], '[Content_Types].xml word/document.xml word/vbaProject.bin');
const DOCX = bytes('PK', [3, 4], '[Content_Types].xml word/document.xml');
const APK = bytes('PK', [3, 4], 'AndroidManifest.xml classes.dex');
const RAR = bytes('Rar!', [0x1a, 0x07, 0]);
const SEVEN = bytes([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]);
const OLE = bytes([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const PDF = bytes('%PDF-1.7');
const SVG = bytes('<?xml version="1.0"?><svg onload="alert(1)"></svg>');

describe('screenFile', () => {
  it.each([
    ['a.png', PNG],
    ['a.jpg', JPEG],
    ['a.jpeg', JPEG],
    ['a.gif', GIF],
    ['a.webp', WEBP],
  ])('accepts the image %s when its bytes agree', (name, b) => {
    expect(screenFile({ name, bytes: b })).toMatchObject({ accept: true, kind: 'image', verified: true });
  });
  it.each([
    ['setup.exe', undefined, 'executable'],
    ['run.bat', undefined, 'script'],
    ['a.cmd', undefined, 'script'],
    ['a.scr', undefined, 'executable'],
    ['a.msi', undefined, 'executable'],
    ['a.apk', undefined, 'executable'],
    ['a.jar', undefined, 'executable'],
    ['订单.js', undefined, 'script'],
    ['a.vbs', undefined, 'script'],
    ['a.ps1', undefined, 'script'],
    ['清单.zip', undefined, 'archive'],
    ['清单.rar', undefined, 'archive'],
    ['清单.7z', undefined, 'archive'],
    ['报价.docm', undefined, 'macro_office'],
    ['报价.xlsm', undefined, 'macro_office'],
    ['报价.pptm', undefined, 'macro_office'],
  ])('refuses %s by name', (name, _b, kind) => {
    const v = screenFile({ name });
    expect(v).toMatchObject({ accept: false, kind });
    expect(v.buyerMessage).toMatch(/亲/);
    expect(v.agentWarning).toMatch(/拦截/);
  });
  it.each([
    ['no-ext', MZ, 'executable'],
    ['x', ELF, 'executable'],
    ['x', ZIP, 'archive'],
    ['x', RAR, 'archive'],
    ['x', SEVEN, 'archive'],
    ['x', OLE, 'macro_office'],
    ['x', APK, 'executable'],
  ])('refuses %s by magic bytes', (name, b, kind) => {
    expect(screenFile({ name, bytes: b })).toMatchObject({ accept: false, kind, verified: true });
  });
  it('refuses an executable named like a picture, and a macro file named .docx', () => {
    expect(screenFile({ name: '鞋子照片.jpg', bytes: MZ })).toMatchObject({ accept: false, kind: 'disguised' });
    expect(screenFile({ name: '清单.docx', bytes: DOCM }, { acceptDocuments: true })).toMatchObject({ accept: false, kind: 'macro_office' });
    expect(screenFile({ name: '图片.png', bytes: ZIP_EXE })).toMatchObject({ accept: false, kind: 'disguised' });
  });
  it('refuses a picture whose bytes are not a picture', () => {
    expect(screenFile({ name: 'a.png', bytes: bytes('hello') })).toMatchObject({ accept: false, kind: 'disguised' });
  });
  it('refuses double extensions, right-to-left tricks and trailing dots', () => {
    expect(screenFile({ name: '照片.jpg.exe' }).kind).toBe('executable');
    expect(screenFile({ name: '照片\u202egpj.exe' }).kind).toBe('disguised');
    expect(screenFile({ name: 'a.exe. . ' }).kind).toBe('executable');
  });
  it('refuses SVG and HTML (they run scripts)', () => {
    expect(screenFile({ name: 'a.svg', bytes: SVG }).accept).toBe(false);
    expect(screenFile({ name: 'a.png', bytes: SVG })).toMatchObject({ accept: false, kind: 'disguised' });
  });
  it('refuses documents by default (seed 001) and accepts checked ones when the shop allows', () => {
    expect(screenFile({ name: '发票.pdf', bytes: PDF })).toMatchObject({ accept: false, kind: 'document' });
    expect(screenFile({ name: '发票.pdf', bytes: PDF }, { acceptDocuments: true })).toMatchObject({ accept: true, kind: 'document' });
    expect(screenFile({ name: '清单.docx', bytes: DOCX }, { acceptDocuments: true }).accept).toBe(true);
    expect(screenFile({ name: '清单.txt', bytes: bytes('M码 2件') }, { acceptDocuments: true }).accept).toBe(true);
    expect(screenFile({ name: '清单.pdf', bytes: MZ }, { acceptDocuments: true }).accept).toBe(false);
  });
  it('uses the mime type when there is no extension, and marks unverified images', () => {
    expect(screenFile({ name: 'blob', mime: 'application/x-msdownload' }).accept).toBe(false);
    expect(screenFile({ name: 'a.jpg' })).toMatchObject({ accept: true, verified: false });
    expect(screenFile({ name: '', bytes: PNG })).toMatchObject({ accept: true, kind: 'image' });
    expect(screenFile({ name: 'a.heic' })).toMatchObject({ accept: false, kind: 'unknown' });
  });
  it('sniffs a few formats', () => {
    expect(sniffBytes(PNG)?.format).toBe('png');
    expect(sniffBytes(DOCX)?.kind).toBe('document');
    expect(sniffBytes(new Uint8Array())).toBeNull();
  });
});
