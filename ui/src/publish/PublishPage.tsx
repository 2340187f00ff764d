import { Box, Stack } from "@mui/material";
import { getModel } from "../api/backend.js";
import { Empty } from "../components/states.js";
import { ModelCard } from "./ModelCard.js";
import { ModelSearch } from "./ModelSearch.js";
import { PublishForm } from "./PublishForm.js";
import type { Navigate, Route } from "../app/hash-route.js";
import { useLoad } from "../components/use-load.js";
import { useFileSelection } from "./use-file-selection.js";

/** Model → target → how → Publish, on one page. */
export function PublishPage({ route, navigate }: { route: Route & { page: "publish" }; navigate: Navigate }) {
  const modelId = route.model;
  const revision = route.revision ?? "main";
  const details = useLoad(modelId ? () => getModel(modelId, revision) : undefined, `${modelId}@${revision}`);
  const model = details.data && details.data.id === modelId ? details.data : undefined;
  const files = useFileSelection(model);

  return (
    <Stack direction={{ xs: "column", lg: "row" }} spacing={2} alignItems="flex-start">
      <Box sx={{ width: { xs: "100%", lg: 420 }, flexShrink: 0 }}>
        <ModelSearch selected={modelId} onOpen={(id) => navigate({ page: "publish", model: id })} />
      </Box>
      <Stack spacing={2} sx={{ flex: 1, minWidth: 0, width: "100%" }}>
        {modelId ? (
          <>
            <ModelCard
              modelId={modelId}
              details={details}
              revision={revision}
              onRevision={(next) =>
                navigate({ page: "publish", model: modelId, revision: next === "main" ? undefined : next })
              }
              excluded={files.excluded}
              onExcluded={files.setExcluded}
              quantization={{ value: files.quantization, mixed: files.mixed, onChoose: files.choose }}
            />
            {/* A form per model: a reference, name or mode chosen for one model never carries over to the next. */}
            <PublishForm
              key={modelId}
              modelId={modelId}
              revision={revision}
              exclude={files.exclude}
              quantization={files.quantization}
              ready={model !== undefined && details.state === "ok"}
              navigate={navigate}
            />
          </>
        ) : (
          <Empty
            title="Choose a model to publish"
            hint="Search the Hub on the left. Its card shows the size, license and files, and you can leave files out before publishing."
          />
        )}
      </Stack>
    </Stack>
  );
}
