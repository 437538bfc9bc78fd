/**
 * The config to construct @huggingface/tokenizers' Tokenizer with, beside tokenizer.json. Its
 * WordLevel model (as Hugging Face's WordLevel trainer saves) reads the unknown token from this
 * config, not from tokenizer.json: without it, an out-of-vocabulary word gets no id.
 */
export function tokenizerConfig(unknownToken: string | undefined): { unk_token?: string } {
  return unknownToken === undefined ? {} : { unk_token: unknownToken };
}
