import { getManifest } from "../api/backend.js";
import { ErrorNotice, Loading } from "../components/states.js";
import { useLoad } from "../components/use-load.js";
import { ManifestView } from "../inspect/ManifestView.js";
import { pinnedReference } from "./pinned-reference.js";

/** What a publish left at `reference`: the Inspect report read back from its registry by `digest`. */
export function PinnedReport({ reference, digest, label }: { reference: string; digest: string; label: string }) {
  const pinned = pinnedReference(reference, digest);
  const report = useLoad(() => getManifest(pinned), `result:${pinned}`);
  if (report.state === "loading") return <Loading label={label} />;
  if (report.state === "error") return <ErrorNotice error={report.error} onRetry={report.reload} />;
  return <ManifestView report={report.data} />;
}
