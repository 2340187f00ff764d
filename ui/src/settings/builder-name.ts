/** The first free name of `model-publisher`, `model-publisher-2`, … among the builders there are. */
export function freshBuilderName(taken: readonly string[]): string {
  let name = "model-publisher";
  for (let n = 2; taken.includes(name); n += 1) name = `model-publisher-${n}`;
  return name;
}
