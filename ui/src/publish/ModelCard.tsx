import { useEffect, useMemo, useState } from "react";
import { Alert, AlertTitle, Box, Button, Card, CardContent, Link, Stack, TextField, Typography } from "@mui/material";
import { Revision, type ModelDetails } from "@model-publisher/contract";
import { openExternal } from "../api/desktop.js";
import { useAppStatus } from "../app/app-status.js";
import type { Load } from "../components/use-load.js";
import { FileTree } from "./FileTree.js";
import { HubTokenDialog } from "../settings/HubTokenDialog.js";
import { ModelBadges } from "./ModelSearch.js";
import { QuantizationChoice, type QuantizationChoiceProps } from "./QuantizationChoice.js";
import { buildTree, excludePatterns, selectedSize } from "./file-tree.js";
import { ErrorNotice, Loading } from "../components/states.js";
import { formatBytes, formatParameters } from "../components/units.js";

function Fact({ label, value, testId }: { label: string; value: React.ReactNode; testId?: string }) {
  return (
    <Box>
      <Typography variant="caption" color="text.secondary" component="div">
        {label}
      </Typography>
      <Typography variant="h4" component="div" data-testid={testId}>
        {value}
      </Typography>
    </Box>
  );
}

function RevisionPicker({ revision, onRevision }: { revision: string; onRevision: (revision: string) => void }) {
  const [text, setText] = useState(revision);
  useEffect(() => setText(revision), [revision]);
  const check = Revision.safeParse(text.trim());
  const apply = () => check.success && text.trim() !== revision && onRevision(text.trim());
  return (
    <TextField
      size="small"
      label="Revision"
      value={text}
      onChange={(event) => setText(event.target.value)}
      onBlur={apply}
      onKeyDown={(event) => event.key === "Enter" && apply()}
      error={!check.success}
      helperText={check.success ? "Branch, tag or commit; Enter applies" : check.error.issues[0]?.message}
      sx={{ width: 260 }}
    />
  );
}

/** Gated without access: say so and offer to add the token right here. */
function NeedsToken({ modelId, onSaved }: { modelId: string; onSaved: () => void }) {
  const [open, setOpen] = useState(false);
  return (
    <Alert
      severity="warning"
      data-testid="needs-token"
      action={
        <Button variant="outlined" color="inherit" size="small" onClick={() => setOpen(true)}>
          Add token
        </Button>
      }
    >
      <AlertTitle>{modelId} is gated</AlertTitle>
      Its files are only readable with a Hugging Face token that has been granted access. Request access on the model's
      page, then add your token here.
      <HubTokenDialog
        open={open}
        reason={`A token with access to ${modelId} lets Model Publisher read its files.`}
        onClose={(saved) => {
          setOpen(false);
          if (saved) onSaved();
        }}
      />
    </Alert>
  );
}

export interface ModelCardProps {
  modelId: string;
  details: Load<ModelDetails>;
  revision: string;
  onRevision: (revision: string) => void;
  excluded: ReadonlySet<string>;
  onExcluded: (next: Set<string>) => void;
  /** The GGUF variant choice, shown above the file tree when the repo has variants. */
  quantization?: Omit<QuantizationChoiceProps, "quantizations">;
}

/** What the user is about to move: size, parameters, license, revision and the files, with checkboxes. */
export function ModelCard(props: ModelCardProps) {
  const { modelId, details, revision, onRevision, excluded, onExcluded, quantization } = props;
  const { settings } = useAppStatus();
  const model = details.data?.id === modelId ? details.data : undefined;
  const tree = useMemo(() => (model ? buildTree(model.files) : undefined), [model]);
  const hub = settings.data?.hfEndpoint ?? "https://huggingface.co";
  const selected = model ? selectedSize(model.files, excluded) : 0;
  const refused = tree ? excludePatterns(tree, excluded).refused : [];

  return (
    <Card variant="outlined" component="section" aria-label="Model">
      <CardContent>
        <Stack spacing={2}>
          <Stack direction="row" justifyContent="space-between" alignItems="flex-start" spacing={2}>
            <Box>
              <Typography variant="h3" component="h2" sx={{ overflowWrap: "anywhere" }}>
                {modelId}
              </Typography>
              <Link component="button" variant="body2" onClick={() => openExternal(`${hub}/${modelId}`)}>
                Open on Hugging Face
              </Link>
            </Box>
            <RevisionPicker revision={revision} onRevision={onRevision} />
          </Stack>
          {details.state === "loading" && !model && <Loading label={`Reading ${modelId} from the Hub…`} />}
          {details.state === "error" &&
            (details.error.code === "gated_model" ? (
              <NeedsToken modelId={modelId} onSaved={details.reload} />
            ) : (
              <ErrorNotice error={details.error} onRetry={details.reload} />
            ))}
          {model && tree && (
            <>
              <ModelBadges model={model} />
              <Stack direction="row" spacing={4} flexWrap="wrap" useFlexGap>
                <Fact label="Size" value={formatBytes(model.totalSize)} testId="model-total-size" />
                <Fact label="Selected" value={formatBytes(selected)} testId="model-selected-size" />
                <Fact
                  label="Files"
                  value={`${model.files.length - excluded.size} of ${model.files.length}`}
                  testId="model-file-count"
                />
                <Fact label="Parameters" value={model.parameters ? formatParameters(model.parameters) : "—"} />
                <Fact label="License" value={model.license ?? "—"} />
                <Fact label="Commit" value={<span title={model.sha}>{model.sha.slice(0, 12)}</span>} />
              </Stack>
              {quantization && model.quantizations.length > 0 && (
                <QuantizationChoice quantizations={model.quantizations} {...quantization} />
              )}
              {model.files.length === 0 ? (
                <Alert severity="info">This revision has no files.</Alert>
              ) : (
                <FileTree root={tree} excluded={excluded} onChange={onExcluded} />
              )}
              {refused.length > 0 && (
                <Alert severity="warning">
                  These names cannot be left out (their characters are not allowed in exclude patterns), so they will be
                  published: {refused.join(", ")}
                </Alert>
              )}
            </>
          )}
        </Stack>
      </CardContent>
    </Card>
  );
}
