import fs from 'node:fs/promises'
import path from 'node:path'
import {usageError} from '../api/errors.js'

export const MAX_IMAGE_BYTES = 10 * 1024 * 1024

const SIGNATURES: {mime: string; test: (b: Buffer) => boolean}[] = [
  {mime: 'image/png', test: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))},
  {mime: 'image/jpeg', test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff},
  {mime: 'image/gif', test: (b) => ['GIF87a', 'GIF89a'].includes(b.subarray(0, 6).toString('latin1'))},
  {mime: 'image/webp', test: (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP'},
]
const SUPPORTED = 'PNG, JPEG, GIF or WebP'

/** Reads an image file and returns it as the base64 data URI the API takes. */
export async function imageFileToDataUri(file: string): Promise<string> {
  let stat
  try {
    stat = await fs.stat(file)
  } catch {
    throw usageError(`Image not found: ${file}.`)
  }
  if (!stat.isFile()) throw usageError(`Image ${file} is not a file.`)
  if (stat.size > MAX_IMAGE_BYTES) throw usageError(`Image ${file} is ${(stat.size / 1048576).toFixed(1)} MB; the limit is 10 MB.`)
  const bytes = await fs.readFile(file)
  const mime = SIGNATURES.find((s) => s.test(bytes))?.mime
  if (!mime) throw usageError(`Image ${path.basename(file)} is not a ${SUPPORTED} file.`)
  return `data:${mime};base64,${bytes.toString('base64')}`
}

/** Checks a data URI given directly (MCP clients send these). */
export function checkImageDataUri(uri: string, index = 0): string {
  const match = /^data:(image\/(?:png|jpeg|gif|webp));base64,([A-Za-z0-9+/=\s]+)$/.exec(uri.trim())
  if (!match) throw usageError(`images[${index}] must be a base64 data URI of a ${SUPPORTED} image (data:image/png;base64,...).`)
  const bytes = Buffer.from(match[2], 'base64')
  if (bytes.length === 0) throw usageError(`images[${index}] is empty.`)
  if (bytes.length > MAX_IMAGE_BYTES) throw usageError(`images[${index}] is ${(bytes.length / 1048576).toFixed(1)} MB; the limit is 10 MB.`)
  if (!SIGNATURES.find((s) => s.mime === match[1])!.test(bytes)) {
    throw usageError(`images[${index}] does not hold the ${match[1]} data its header claims.`)
  }
  return uri.trim()
}
