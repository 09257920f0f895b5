/**
 * The optimizeAllocations HTTP step (thin: load → pure optimizer → store). The optimizer itself is
 * the pure code in the parent folder; nothing there imports from here.
 */
export { optimizeAllocations } from './optimizeAllocations';
export { buildAllocationInput, usableFeatures, type StoredLayers, type BuiltInput } from './build-input';
