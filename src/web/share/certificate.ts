// The printable certificate of an award: one A4 landscape page drawn with pdf-lib, in the
// shipped Inter font (embedded, subset), with the citation, the date and where to verify it.
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { loadFonts } from './fonts.js';

export interface Certificate {
  program: string;
  name: string;
  title: string;
  citation: string;
  /** "Published December 31, 2025". */
  dateLine: string;
  /** Where anyone can check it. */
  verifyUrl: string;
  accent: { r: number; g: number; b: number };
}

function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (font.widthOfTextAtSize(next, size) > width && line) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

function centred(page: PDFPage, text: string, font: PDFFont, size: number, y: number, color = rgb(0.06, 0.09, 0.16)) {
  const width = font.widthOfTextAtSize(text, size);
  page.drawText(text, { x: (page.getWidth() - width) / 2, y, size, font, color });
}

export async function renderCertificate(certificate: Certificate): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.registerFontkit(fontkit);
  pdf.setTitle(`${certificate.title}: ${certificate.name}`);
  pdf.setAuthor(certificate.program);
  pdf.setSubject(certificate.citation);
  pdf.setCreator(certificate.program);
  const fonts = loadFonts();
  const regular = await pdf.embedFont(fonts.regular, { subset: false });
  const bold = await pdf.embedFont(fonts.bold, { subset: false });
  const page = pdf.addPage([841.89, 595.28]);
  const { width, height } = page.getSize();
  const accent = rgb(certificate.accent.r, certificate.accent.g, certificate.accent.b);
  page.drawRectangle({ x: 24, y: 24, width: width - 48, height: height - 48, borderColor: accent, borderWidth: 3 });
  page.drawRectangle({ x: 34, y: 34, width: width - 68, height: height - 68, borderColor: rgb(0.8, 0.83, 0.87), borderWidth: 0.8 });
  centred(page, certificate.program.toUpperCase(), bold, 14, height - 100, accent);
  centred(page, 'Certificate of recognition', regular, 16, height - 130);
  centred(page, 'This certifies that', regular, 14, height - 190, rgb(0.28, 0.33, 0.41));
  centred(page, certificate.name, bold, 40, height - 245);
  centred(page, `is named ${certificate.title}`, regular, 20, height - 285);
  let y = height - 335;
  for (const line of wrap(certificate.citation, regular, 12.5, width - 220).slice(0, 5)) {
    centred(page, line, regular, 12.5, y, rgb(0.2, 0.25, 0.33));
    y -= 19;
  }
  centred(page, certificate.dateLine, regular, 12, 110, rgb(0.28, 0.33, 0.41));
  centred(page, `Verify at ${certificate.verifyUrl}`, regular, 10, 80, rgb(0.28, 0.33, 0.41));
  return pdf.save();
}
