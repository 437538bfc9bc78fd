export { agglomerate, type AgglomerateOptions } from './agglomerate.js';
export { contextualDecompositionScorer, type ContextualDecomposition, type ContextualDecompositionScoreOptions } from './cd-score.js';
export {
  buildUpScorer,
  functionScorer,
  groupPathIntegratedGradientsScorer,
  integratedGradientsScorer,
  occlusionScorer,
  type GroupScoreKind,
  type GroupScorer,
  type IntegratedGradientsScoreOptions,
} from './group-scores.js';
export type { FeatureGroup, GroupScoreOptions } from './scoring-context.js';
export { nanPercentile, smoothSelection, thresholdScores } from './threshold.js';
export { hierarchyProblems, type Hierarchy, type HierarchyNode } from './tree.js';
export { connectedComponents, edgeNeighbours, gridUnits, sequenceUnits, type GridLayout, type UnitLayout } from './units.js';
export { renderHierarchyLevels, type HierarchyPictureOptions } from './picture.js';
export { hierarchyToAnsi, hierarchyToHtml, type HierarchyTextOptions } from './text-views.js';
export { formatScore } from './font.js';
export { hierarchyToJson, type HierarchyJson, type HierarchyNodeJson } from './tree-json.js';
