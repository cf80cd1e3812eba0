/** The part of seek-bzip's API we use (the package ships no types). */
declare module 'seek-bzip' {
  interface BzipInput {
    readByte(): number;
    read(buffer: Uint8Array, offset: number, length: number): number;
    seek(pos: number): void;
    eof(): boolean;
  }
  interface BzipOutput {
    writeByte(byte: number): void;
  }
  const Bunzip: {
    decode(input: BzipInput, output: BzipOutput, multistream?: boolean): void;
  };
  export default Bunzip;
}
