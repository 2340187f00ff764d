import type { Navigate } from "../hooks/hash-route.js";
import { Empty } from "../components/states.js";

export function JobPage({ id, navigate }: { id: string; navigate: Navigate }) {
  void navigate;
  return <Empty title={`Job ${id}`} hint="Progress appears here while the job runs." />;
}
