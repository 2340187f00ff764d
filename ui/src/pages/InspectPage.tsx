import type { Navigate, Route } from "../hooks/hash-route.js";
import { Empty } from "../components/states.js";

export function InspectPage({ route, navigate }: { route: Route & { page: "inspect" }; navigate: Navigate }) {
  void navigate;
  return <Empty title="Inspect a reference" hint={route.reference ?? "Enter a reference to see its manifest."} />;
}
