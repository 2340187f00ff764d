import type { Navigate } from "../hooks/hash-route.js";
import { Empty } from "../components/states.js";

export function HistoryPage({ navigate }: { navigate: Navigate }) {
  void navigate;
  return <Empty title="No publish jobs yet" hint="Jobs you start on the Publish tab show up here." />;
}
