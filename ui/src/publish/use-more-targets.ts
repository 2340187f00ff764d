import { useMemo, useState } from "react";
import { addTargetBlocked } from "./target-list.js";

/** A target field after the first, with an id that stays when fields before it are removed. */
interface MoreTarget {
  id: number;
  text: string;
}

/** The target fields "Add another target" adds after the reference field: none until the user adds one. */
export function useMoreTargets() {
  const [fields, setFields] = useState<MoreTarget[]>([]);
  const [nextId, setNextId] = useState(1);
  const texts = useMemo(() => fields.map((field) => field.text), [fields]);
  const blocked = addTargetBlocked(1 + fields.length);
  return {
    fields,
    texts,
    /** Why no further target can be added, when it cannot. */
    blocked,
    add: () => {
      if (blocked) return;
      setFields((list) => [...list, { id: nextId, text: "" }]);
      setNextId((id) => id + 1);
    },
    edit: (id: number, text: string) =>
      setFields((list) => list.map((field) => (field.id === id ? { ...field, text } : field))),
    remove: (id: number) => setFields((list) => list.filter((field) => field.id !== id)),
  };
}

export type MoreTargets = ReturnType<typeof useMoreTargets>;
