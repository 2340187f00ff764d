import { Router } from "express";
import { CompareRequest, ManifestQuery, type CompareResponse, type ManifestReport } from "@model-publisher/contract";
import { compareManifests } from "../registry/compare-manifests.js";
import { fetchManifestReport, parseManifestJson } from "../registry/manifest-report.js";
import { referenceOf, type RegistryClient } from "../registry/registry-client.js";
import { parseInput, parseQuery } from "./validate.js";

async function manifestOf(client: RegistryClient, reference: string) {
  const ref = referenceOf(reference);
  const fetched = await client.repository(ref).getManifest(ref.digest ?? ref.tag ?? "latest");
  return parseManifestJson(fetched.bytes);
}

/** `GET /manifest?reference=` and `POST /manifest/compare`. */
export function manifestRoutes(client: RegistryClient): Router {
  const router = Router();
  router.get("/manifest", async (req, res) => {
    const { reference } = parseQuery(ManifestQuery, req.query, "query");
    const ref = referenceOf(reference);
    const report: ManifestReport = await fetchManifestReport(client.repository(ref), ref);
    res.json(report);
  });
  router.post("/manifest/compare", async (req, res) => {
    const { left, right } = parseInput(CompareRequest, req.body);
    const [l, r] = await Promise.all([manifestOf(client, left), manifestOf(client, right)]);
    const body: CompareResponse = compareManifests(l, r);
    res.json(body);
  });
  return router;
}
