import { useEffect, useMemo, useState } from "react";
import {
  ArtifactName,
  chooseMode,
  huggingFaceSource,
  nativeRefusal,
  parseReference,
  publishTargets,
  type Builder,
  type BuildersResponse,
  type LayerPackaging,
  type ModeChoice,
  type PublishMode,
  type PublishRequestInput,
  type PublishTarget,
} from "@model-publisher/contract";
import { getBuilders, publish } from "../api/backend.js";
import { createPublisherBuilder } from "../settings/create-builder.js";
import { BackendError, toast } from "../api/desktop.js";
import { useAppStatus } from "../app/app-status.js";
import type { Navigate } from "../app/hash-route.js";
import { useLoad, type Load } from "../components/use-load.js";
import { defaultReference } from "./publish-defaults.js";
import { quantizationTag, withTag } from "./quantization-choice.js";
import { targetsText } from "../jobs/target-outcome.js";
import { FormPublishRequest, targetFields } from "./target-list.js";
import { useMoreTargets } from "./use-more-targets.js";
import { useSignInHandOff } from "./use-sign-in-handoff.js";

/** The builders to pick from, the one a build would use, and a way to make a new one. */
export interface BuilderChoice {
  load: Load<BuildersResponse>;
  list: Builder[];
  /** The picked builder, else the default one, else one that passes layouts through, else the current one. */
  builder?: Builder;
  pick: (name: string) => void;
  create: () => Promise<void>;
}

function useBuilderChoice(defaultBuilder: string | undefined): BuilderChoice {
  const load = useLoad(getBuilders, "builders");
  const [picked, pick] = useState<string>();
  const list = load.data?.builders ?? [];
  const builder =
    list.find((b) => b.name === picked) ??
    list.find((b) => b.name === defaultBuilder) ??
    list.find((b) => b.passthrough) ??
    list.find((b) => b.current);
  const create = async () => {
    const created = await createPublisherBuilder(list.map((b) => b.name));
    if (created === undefined) return;
    pick(created);
    load.reload();
  };
  return { load, list, builder, pick, create };
}

/** The reference field: it follows the suggestion until the user edits it. */
function useReference(suggested: string): [string, (text: string) => void] {
  const [reference, setReference] = useState(suggested);
  const [edited, setEdited] = useState(false);
  useEffect(() => {
    if (!edited) setReference(suggested);
  }, [suggested, edited]);
  const edit = (text: string) => {
    setReference(text);
    setEdited(true);
  };
  return [reference, edit];
}

/** Signs the backend in where only the host is, sends the request, opens the job's page; a refusal stays put. */
function useSubmission(
  request: PublishRequestInput,
  valid: boolean,
  modelId: string,
  navigate: Navigate,
  beforePublish: () => Promise<void>,
) {
  const [submitting, setSubmitting] = useState(false);
  const [failure, setFailure] = useState<BackendError>();
  const submit = async () => {
    if (!valid) return;
    setSubmitting(true);
    setFailure(undefined);
    try {
      await beforePublish();
      const { job } = await publish(request);
      toast("success", `Publishing ${modelId} to ${targetsText(publishTargets(job.request))}.`);
      navigate({ page: "job", id: job.id });
    } catch (err) {
      setFailure(err instanceof BackendError ? err : undefined);
    } finally {
      setSubmitting(false);
    }
  };
  return { submitting, failure, submit };
}

export interface PublishRequestProps {
  modelId: string;
  revision: string;
  exclude: string[];
  /** The GGUF variant to publish; the suggested tag follows it. */
  quantization?: string;
  navigate: Navigate;
}

/**
 * A publish request being filled in: its fields with their defaults, the mode chosen for it (the contract's rule,
 * unless the user picks one), whether it is valid, and its submission.
 */
export function usePublishRequest({ modelId, revision, exclude, quantization, navigate }: PublishRequestProps) {
  const { settings, health } = useAppStatus();
  const builders = useBuilderChoice(settings.data?.defaultBuilder);
  const signIns = useSignInHandOff();
  const suggested = defaultReference(modelId, revision, signIns.suggestions);
  const [reference, setReference] = useReference(
    quantization ? withTag(suggested, quantizationTag(quantization)) : suggested,
  );
  const moreTargets = useMoreTargets();
  const [target, setTarget] = useState<PublishTarget>("modelpack");
  const [modeOverride, setModeOverride] = useState<PublishMode>();
  const [name, setName] = useState("");
  const [layerPackaging, setLayerPackaging] = useState<LayerPackaging>("raw");

  const buildx = Boolean(health.data?.docker.buildx);
  const { builder } = builders;
  // The backend's own inputs to the rule, so the mode shown is the mode it runs (tar layers: export, not native).
  const nativeRefused = nativeRefusal({ source: huggingFaceSource(modelId, revision), layerPackaging });
  const auto: ModeChoice = chooseMode({
    builder,
    buildxAvailable: buildx,
    ...(nativeRefused ? { nativeRefused } : {}),
  });
  const mode = modeOverride ?? auto.mode;
  const request: PublishRequestInput = useMemo(
    () => ({
      source: huggingFaceSource(modelId, revision),
      ...targetFields(reference, moreTargets.texts),
      target,
      // An automatic native choice is left to the backend, which applies the same rule and knows its runners.
      ...(modeOverride || mode !== "native" ? { mode } : {}),
      ...(name ? { name } : {}),
      ...(layerPackaging !== "raw" ? { layerPackaging } : {}),
      ...(quantization ? { quantization } : {}),
      ...(exclude.length > 0 ? { exclude } : {}),
      ...(mode !== "native" && builder ? { builder: builder.name } : {}),
    }),
    [
      modelId,
      revision,
      reference,
      moreTargets.texts,
      target,
      mode,
      modeOverride,
      name,
      layerPackaging,
      quantization,
      exclude,
      builder,
    ],
  );
  const valid = FormPublishRequest.safeParse(request);
  const targets = valid.success ? publishTargets(valid.data) : [];
  const { submitting, failure, submit } = useSubmission(request, valid.success, modelId, navigate, () =>
    signIns.beforePublish(targets),
  );
  return {
    reference,
    setReference,
    parsedReference: parseReference(reference.trim()),
    moreTargets,
    target,
    setTarget,
    mode,
    auto,
    modeOverride,
    setModeOverride,
    buildx,
    builders,
    name,
    setName,
    nameProblem: name && !ArtifactName.safeParse(name).success ? "lowercase letters, digits, . _ -" : undefined,
    layerPackaging,
    setLayerPackaging,
    valid,
    signInNote: signIns.noteFor(targets),
    submitting,
    failure,
    submit,
  };
}

export type PublishDraft = ReturnType<typeof usePublishRequest>;
