export { readNpy, type NpyArray } from './npy.js';
export { CAPTUM_DIR, CAPTUM_METHODS_DIR, METHOD_SWEEP_DIR, captumModelBytes, captumModelPath, captumPath, type CaptumModel } from './paths.js';
export {
  captumCase,
  captumCases,
  captumData,
  captumManifest,
  captumRule,
  captumRules,
  captumWeight,
  loadCaptumCase,
  noiseTunnelCases,
  readCaptumNpy,
  type CaptumCase,
  type CaptumCaseData,
  type CaptumIntegrationRule,
  type NoiseTunnelCase,
} from './captum.js';
export { captumMethodAttribution, captumMethodCases, captumMethodPath, type CaptumMethodCase } from './methods.js';
