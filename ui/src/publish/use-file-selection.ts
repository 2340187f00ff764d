import { useMemo, useState } from "react";
import type { ModelDetails } from "@model-publisher/contract";
import { buildTree, excludePatterns } from "./file-tree.js";
import { excludedForQuantization, fileChoice, preselectedQuantization } from "./quantization-choice.js";

/** What the user ticked on one model's card: the variant they chose and the unticked paths. */
interface Selection {
  /** The model and revision it belongs to. */
  key: string;
  chosen?: string;
  excluded: Set<string>;
}

const keyOf = (model: ModelDetails) => `${model.id}@${model.revision}`;

function initialSelection(model: ModelDetails): Selection {
  const chosen = preselectedQuantization(model.quantizations);
  const variant = model.quantizations.find((q) => q.name === chosen);
  return { key: keyOf(model), chosen, excluded: variant ? excludedForQuantization(model.files, variant) : new Set() };
}

const nothing: Selection = { key: "", excluded: new Set() };

/**
 * The files of the model card: the variant (preselected for a GGUF repo) and the file tree's ticks, both back to
 * their defaults for another model or revision, and what the request carries for them (`quantization`, `exclude`).
 */
export function useFileSelection(model: ModelDetails | undefined) {
  const [stored, setStored] = useState<Selection>();
  const initial = useMemo(() => (model ? initialSelection(model) : nothing), [model]);
  const selection = model && stored?.key === keyOf(model) ? stored : initial;
  const choice = useMemo(
    () => (model ? fileChoice(model.files, model.quantizations, selection.chosen, selection.excluded) : undefined),
    [model, selection],
  );
  const exclude = useMemo(
    () => (model && choice ? excludePatterns(buildTree(model.files), choice.excluded).patterns : []),
    [model, choice],
  );
  const choose = (name: string) => {
    const variant = model?.quantizations.find((q) => q.name === name);
    if (model && variant)
      setStored({ key: keyOf(model), chosen: name, excluded: excludedForQuantization(model.files, variant) });
  };
  return {
    excluded: selection.excluded as ReadonlySet<string>,
    setExcluded: (excluded: Set<string>) => setStored({ ...selection, excluded }),
    /** The variant the request names; undefined when the ticks span several. */
    quantization: choice?.quantization,
    /** A variant was chosen, then a file of another one ticked again. */
    mixed: selection.chosen !== undefined && choice?.quantization === undefined,
    choose,
    exclude,
  };
}

export type FileSelection = ReturnType<typeof useFileSelection>;
