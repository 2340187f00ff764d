import { useId } from "react";
import { FormControlLabel, Radio, RadioGroup, Stack, Typography } from "@mui/material";
import type { Quantization } from "@model-publisher/contract";
import { formatBytes } from "../components/units.js";

export interface QuantizationChoiceProps {
  quantizations: Quantization[];
  /** The variant the request names; none while the ticks span several. */
  value: string | undefined;
  /** A variant was chosen, then files of another ticked again in the tree. */
  mixed: boolean;
  onChoose: (name: string) => void;
}

/** One GGUF variant to publish, with its size; choosing one ticks its files (and the projector and docs) below. */
export function QuantizationChoice({ quantizations, value, mixed, onChoose }: QuantizationChoiceProps) {
  const labelId = useId();
  return (
    <Stack spacing={0.5} component="fieldset" sx={{ border: 0, m: 0, p: 0, minWidth: 0 }}>
      <Typography variant="h4" component="legend" id={labelId}>
        Quantization
      </Typography>
      <Typography variant="body2" color="text.secondary">
        One variant is published with the projector, docs and configs; the file tree below fine-tunes it.
      </Typography>
      <RadioGroup row aria-labelledby={labelId} value={value ?? ""} onChange={(event) => onChoose(event.target.value)}>
        {quantizations.map((q) => (
          <FormControlLabel
            key={q.name}
            value={q.name}
            control={<Radio size="small" />}
            label={
              <span>
                <Typography component="span" variant="body2" sx={{ fontFamily: "monospace" }}>
                  {q.name}
                </Typography>{" "}
                <Typography component="span" variant="body2" color="text.secondary">
                  {formatBytes(q.size)}
                </Typography>
              </span>
            }
          />
        ))}
      </RadioGroup>
      {mixed && (
        <Typography variant="body2" color="warning.main" data-testid="quantization-mixed">
          Files of more than one variant are ticked: they are published as ticked.
        </Typography>
      )}
    </Stack>
  );
}
