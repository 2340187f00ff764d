import { Alert, Button, Card, CardContent, Stack, Typography } from "@mui/material";
import type { Navigate } from "../app/hash-route.js";
import { ErrorNotice } from "../components/states.js";
import { HowSection } from "./HowSection.js";
import { TargetSection } from "./TargetSection.js";
import { usePublishRequest } from "./use-publish-request.js";

export interface PublishFormProps {
  modelId: string;
  revision: string;
  exclude: string[];
  /** The GGUF variant to publish. */
  quantization?: string;
  /** False until the model card has loaded. */
  ready: boolean;
  navigate: Navigate;
}

/** Target, how, and the one Publish button. */
export function PublishForm({ modelId, revision, exclude, quantization, ready, navigate }: PublishFormProps) {
  const draft = usePublishRequest({ modelId, revision, exclude, quantization, navigate });
  const { valid, failure } = draft;
  return (
    <Card variant="outlined" component="section" aria-label="Publish">
      <CardContent>
        <Stack spacing={2.5}>
          <TargetSection draft={draft} />
          <HowSection draft={draft} modelId={modelId} exclude={exclude} />
          {draft.signInNote && <Alert severity="info">{draft.signInNote}</Alert>}
          {failure && <ErrorNotice error={failure} title="The job could not start" />}
          <Stack direction="row" spacing={2} alignItems="center">
            <Button
              variant="contained"
              size="large"
              onClick={() => void draft.submit()}
              disabled={!ready || !valid.success || draft.submitting}
            >
              Publish
            </Button>
            {!valid.success && ready && draft.parsedReference.ok && (
              <Typography variant="body2" color="error">
                {issueText(valid.error.issues[0])}
              </Typography>
            )}
          </Stack>
        </Stack>
      </CardContent>
    </Card>
  );
}

/** A request problem for people: the field it is about, then what is wrong with it. */
function issueText(issue: { path: PropertyKey[]; message: string } | undefined): string {
  if (!issue) return "";
  const [first, index] = issue.path;
  const field =
    first === "references" && typeof index === "number" ? `target ${index + 1}` : issue.path.map(String).join(".");
  return field ? `${field}: ${issue.message}` : issue.message;
}
