// Signing in to a registry the way a user does: Settings › Registries, host, user name, password, Sign in.
import type { Page } from "playwright-core";

export async function signInThroughSettings(
  page: Page,
  productUrl: string,
  registryHost: string,
  user: { username: string; password: string },
): Promise<void> {
  await page.goto(`${productUrl}/#/settings`);
  const registries = page.getByRole("region", { name: "Registries" });
  await registries.getByRole("textbox", { name: "Registry" }).fill(registryHost);
  await registries.getByRole("textbox", { name: "User name" }).fill(user.username);
  await registries.getByLabel("Password or token").fill(user.password);
  await registries.getByRole("button", { name: "Sign in" }).click();
  await registries.getByText(`as ${user.username}`).waitFor();
}
