import { Alert, Box, Card, CardContent, Chip, Stack, TableCell, TableRow, Typography } from "@mui/material";
import type { ManifestReport } from "@model-publisher/contract";
import { CodeBlock, CommandLine } from "../components/CodeBlock.js";
import { CopyButton } from "../components/CopyButton.js";
import { DataTable } from "../components/DataTable.js";
import { SectionCard } from "../components/SectionCard.js";
import { layerKind } from "./layer-kind.js";
import { modelRunnerMisfit, type ModelRunnerMisfit } from "./model-runner.js";
import { ModelRunnerPull } from "./ModelRunnerPull.js";
import { formatBytes } from "../components/units.js";

function Line({ label, value, copy }: { label: string; value?: string; copy?: boolean }) {
  if (!value) return null;
  return (
    <Stack direction="row" spacing={1} alignItems="center">
      <Typography variant="body2" color="text.secondary" sx={{ minWidth: 120 }}>
        {label}
      </Typography>
      <Typography
        variant="body2"
        sx={{ fontFamily: "monospace", overflowWrap: "anywhere" }}
        data-testid={`manifest-${label.toLowerCase().replace(/\s+/g, "-")}`}
      >
        {value}
      </Typography>
      {copy && <CopyButton text={value} label={label.toLowerCase()} />}
    </Stack>
  );
}

/** The manifest report: digest, types, layers, config, raw JSON and the commands to pull it. */
export function ManifestView({ report }: { report: ManifestReport }) {
  return (
    <Stack spacing={2}>
      <Card variant="outlined" component="section" aria-label="Manifest">
        <CardContent>
          <Stack spacing={0.5}>
            <Typography variant="h3" component="h2" sx={{ mb: 1, overflowWrap: "anywhere" }}>
              {report.reference}
            </Typography>
            <Line label="Digest" value={report.digest} copy />
            <Line label="Artifact type" value={report.artifactType} />
            <Line label="Media type" value={report.mediaType} />
            <Line label="Config media type" value={configMediaType(report)} />
            <Line label="Manifest size" value={formatBytes(report.size)} />
            <Line label="Total size" value={`${formatBytes(report.totalSize)} in ${report.layers.length} layers`} />
          </Stack>
        </CardContent>
      </Card>
      <SectionCard title="Layers">
        <DataTable label="Layers" columns={["Path", "Kind", { title: "Size", align: "right" }, "Media type", "Digest"]}>
          {report.layers.map((layer) => (
            <TableRow key={`${layer.digest}-${layer.path ?? ""}`}>
              <TableCell sx={{ overflowWrap: "anywhere" }}>{layer.path ?? "—"}</TableCell>
              <TableCell>
                <Chip size="small" variant="outlined" label={layerKind(layer.mediaType)} />
              </TableCell>
              <TableCell align="right" sx={{ whiteSpace: "nowrap" }}>
                {formatBytes(layer.size)}
              </TableCell>
              <TableCell sx={{ overflowWrap: "anywhere" }}>{layer.mediaType}</TableCell>
              <TableCell title={layer.digest} sx={{ fontFamily: "monospace", whiteSpace: "nowrap" }}>
                {layer.digest.slice(0, 19)}…
              </TableCell>
            </TableRow>
          ))}
        </DataTable>
      </SectionCard>
      <SectionCard title="Use it" label="Pull commands">
        <Stack spacing={1}>
          {report.pullCommands.dockerModel && (
            <ModelRunnerCommand command={report.pullCommands.dockerModel} misfit={modelRunnerMisfit(report.layers)} />
          )}
          <CommandLine title="oras" command={report.pullCommands.oras} />
          <CommandLine title="skopeo" command={report.pullCommands.skopeo} />
          {report.pullCommands.aikit && <CommandLine title="aikitfile" command={report.pullCommands.aikit} />}
        </Stack>
      </SectionCard>
      <Stack direction={{ xs: "column", md: "row" }} spacing={2}>
        <Box sx={{ flex: 1, minWidth: 0 }}>
          <Typography variant="h4" component="h2" sx={{ mb: 1 }}>
            Config
          </Typography>
          <CodeBlock
            text={report.config === undefined ? "(not JSON)" : JSON.stringify(report.config, null, 2)}
            label="config"
          />
        </Box>
        <Box sx={{ flex: 1, minWidth: 0 }}>
          <Typography variant="h4" component="h2" sx={{ mb: 1 }}>
            Raw manifest
          </Typography>
          <CodeBlock text={JSON.stringify(report.manifest, null, 2)} label="raw manifest" />
        </Box>
      </Stack>
    </Stack>
  );
}

const misfitText: Record<ModelRunnerMisfit, string> = {
  "tar-weights":
    "Docker Model Runner places each layer as it is and never unpacks a tar layer, so it finds no weights in this one: publish with raw layers to run it.",
  "several-gguf-sets":
    "Docker Model Runner loads one GGUF weight set and this artifact holds several: it would run the first. Publish one quantization to choose which.",
};

/** Docker Model Runner's pull, with a warning instead of the pull button when it could not run the artifact. */
function ModelRunnerCommand({ command, misfit }: { command: string; misfit: ModelRunnerMisfit | undefined }) {
  return (
    <>
      <CommandLine title="Docker Model Runner" command={command} />
      {misfit ? (
        <Alert severity="warning" data-testid="model-runner-misfit">
          {misfitText[misfit]}
        </Alert>
      ) : (
        // Keyed by the command: another report's pull starts from nothing, not from this one's outcome.
        <ModelRunnerPull key={command} command={command} />
      )}
    </>
  );
}

/** The config descriptor's media type, from the raw manifest (`…model.config.v1+json` for ModelPack). */
function configMediaType(report: ManifestReport): string | undefined {
  const config = (report.manifest as { config?: { mediaType?: unknown } } | null)?.config;
  return typeof config?.mediaType === "string" ? config.mediaType : undefined;
}
