import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type AppSettingsFile, type ContainerDefinition, type HostJson } from './consistencyChecks';

/** The repository root, seen from test/unit/infra. */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');

export function readText(relativePath: string): string {
  return readFileSync(path.join(repoRoot, relativePath), 'utf8');
}

export function readJson<T>(relativePath: string): T {
  return JSON.parse(readText(relativePath)) as T;
}

export function exists(relativePath: string): boolean {
  return existsSync(path.join(repoRoot, relativePath));
}

export const appSettingsFile = (): AppSettingsFile => readJson<AppSettingsFile>('infra/app/appSettings.json');

export const declaredContainers = (): ContainerDefinition[] =>
  readJson<{ containers: ContainerDefinition[] }>('infra/app/cosmosContainers.json').containers;

export const hostJson = (): HostJson => readJson<HostJson>('host.json');

export const localSettingKeys = (): string[] =>
  Object.keys(readJson<{ Values?: Record<string, string> }>('local.settings.json').Values ?? {});

export const npmScripts = (): string[] =>
  Object.keys(readJson<{ scripts?: Record<string, string> }>('package.json').scripts ?? {});

export const parameterFileKeys = (): string[] =>
  Object.keys(readJson<{ parameters: Record<string, unknown> }>('infra/main.parameters.json').parameters);

/** Files under a project folder whose names end with `extension`, as project-relative paths. */
function filesUnder(root: string, extension: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(path.join(repoRoot, dir), { withFileTypes: true })) {
      const relative = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(relative);
      else if (entry.name.endsWith(extension)) found.push(relative);
    }
  };
  walk(root);
  return found.sort();
}

/** Every Bicep file under infra/. */
export const bicepFiles = (): string[] => filesUnder('infra', '.bicep');

/** Every TypeScript file under a source folder. */
export const sourceFiles = (root: string): string[] => filesUnder(root, '.ts');

/** The documents whose commands, scripts, parameters and outputs must exist. */
export function deploymentDocuments(): Array<{ path: string; text: string }> {
  const workflows = readdirSync(path.join(repoRoot, '.github', 'workflows')).map(
    (name) => `.github/workflows/${name}`,
  );
  return ['README.md', 'docs/deploy.md', 'azure.yaml', ...workflows].map((file) => ({
    path: file,
    text: readText(file),
  }));
}
