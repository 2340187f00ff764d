import type { Navigate, Route } from "../hooks/hash-route.js";
import { Empty } from "../components/states.js";

export function PublishPage({ route, navigate }: { route: Route & { page: "publish" }; navigate: Navigate }) {
  void navigate;
  return <Empty title="Find a model" hint={route.model ?? "Search the Hugging Face Hub."} />;
}
