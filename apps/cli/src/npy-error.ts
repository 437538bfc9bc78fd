/** An .npy file that cannot be read, with the reason (the caller adds the file's name). */
export class NpyFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NpyFormatError';
  }
}
