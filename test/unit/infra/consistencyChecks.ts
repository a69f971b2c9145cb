/**
 * Pure checks that keep the app, its infrastructure and its deployment docs in agreement. Each
 * returns a list of problems, one sentence each, naming the file to fix; an empty list means
 * consistent. They take plain data so the tests can feed them mutated copies.
 */

export interface AppSettingsFile {
  settings: Record<string, string>;
  fromInfrastructure: Record<string, string>;
  fromPlatform: Record<string, string>;
  notSetInAzure: Record<string, string>;
}

const sections = ['settings', 'fromInfrastructure', 'fromPlatform', 'notSetInAzure'] as const;

/** App settings a Flex Consumption app rejects (the runtime lives in functionAppConfig). */
export const flexForbiddenSettings = [
  'FUNCTIONS_WORKER_RUNTIME',
  'FUNCTIONS_WORKER_RUNTIME_VERSION',
  'FUNCTIONS_EXTENSION_VERSION',
  'FUNCTIONS_MAX_HTTP_CONCURRENCY',
  'FUNCTIONS_WORKER_PROCESS_COUNT',
  'FUNCTIONS_WORKER_DYNAMIC_CONCURRENCY_ENABLED',
  'SCM_DO_BUILD_DURING_DEPLOYMENT',
  'ENABLE_ORYX_BUILD',
  'WEBSITE_NODE_DEFAULT_VERSION',
  'WEBSITE_RUN_FROM_PACKAGE',
  'WEBSITE_MAX_DYNAMIC_APPLICATION_SCALE_OUT',
  'WEBSITE_SKIP_CONTENTSHARE_VALIDATION',
  'WEBSITE_VNET_ROUTE_ALL',
  'WEBSITE_DNS_SERVER',
] as const;

export function isForbiddenOnFlex(name: string): boolean {
  return (flexForbiddenSettings as readonly string[]).includes(name) || name.startsWith('WEBSITE_CONTENT');
}

/** Settings the Functions host itself reads; the app's config schema never sees them. */
const hostReads = /^(AzureWebJobsStorage__|APPLICATIONINSIGHTS_)/;

/** What identity-based host storage and Entra-authenticated telemetry need, set by Bicep. */
export const requiredInfrastructureSettings = [
  'AzureWebJobsStorage__accountName',
  'AzureWebJobsStorage__credential',
  'AzureWebJobsStorage__clientId',
  'APPLICATIONINSIGHTS_CONNECTION_STRING',
  'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
] as const;

export interface SettingsInput {
  /** Keys of the app's config schema (src/config.ts). */
  configKeys: readonly string[];
  file: AppSettingsFile;
  /** Keys of `infrastructureSettings` in infra/main.bicep. */
  bicepInfrastructureKeys: readonly string[];
  /** Names host.json reads through `%NAME%`. */
  hostJsonReferences: readonly string[];
  /** Names the app's trigger and binding options read through `%NAME%` (a timer's schedule). */
  bindingReferences: readonly string[];
  /** Keys of local.settings.json `Values`. */
  localSettingKeys: readonly string[];
}

export function checkAppSettings(input: SettingsInput): string[] {
  const {
    configKeys,
    file,
    bicepInfrastructureKeys,
    hostJsonReferences,
    bindingReferences,
    localSettingKeys,
  } = input;
  const problems: string[] = [];
  const sectionsOf = (name: string) => sections.filter((section) => name in file[section]);
  const setInAzure = new Set([...Object.keys(file.settings), ...Object.keys(file.fromInfrastructure)]);

  for (const key of configKeys) {
    if (sectionsOf(key).length === 0) {
      problems.push(
        `${key} is read by src/config.ts, but infra/app/appSettings.json does not say how Azure gets it ` +
          `(add it to settings, fromInfrastructure, fromPlatform or notSetInAzure).`,
      );
    }
  }
  const allNames = new Set(sections.flatMap((section) => Object.keys(file[section])));
  for (const name of allNames) {
    const found = sectionsOf(name);
    if (found.length > 1) {
      problems.push(
        `${name} is in more than one section of infra/app/appSettings.json (${found.join(', ')}).`,
      );
    }
    const readByApp =
      configKeys.includes(name) ||
      hostJsonReferences.includes(name) ||
      bindingReferences.includes(name) ||
      hostReads.test(name);
    if (!readByApp) {
      problems.push(
        `${name} is in infra/app/appSettings.json, but neither src/config.ts, host.json nor a function's binding reads it.`,
      );
    }
    if (setInAzure.has(name) && isForbiddenOnFlex(name)) {
      problems.push(
        `${name} is set, but Flex Consumption rejects it: remove it from infra/app/appSettings.json.`,
      );
    }
  }
  if (setInAzure.has('AzureWebJobsStorage')) {
    problems.push(
      'AzureWebJobsStorage (a connection string) is set, but the storage account accepts no keys.',
    );
  }
  for (const name of requiredInfrastructureSettings) {
    if (!(name in file.fromInfrastructure)) {
      problems.push(`${name} is missing from fromInfrastructure in infra/app/appSettings.json.`);
    }
  }
  for (const name of Object.keys(file.fromInfrastructure)) {
    if (!bicepInfrastructureKeys.includes(name)) {
      problems.push(
        `${name} is listed in fromInfrastructure, but infrastructureSettings in infra/main.bicep does not set it.`,
      );
    }
  }
  for (const name of bicepInfrastructureKeys) {
    if (!(name in file.fromInfrastructure)) {
      problems.push(
        `infra/main.bicep sets ${name}, but fromInfrastructure in infra/app/appSettings.json does not list it.`,
      );
    }
    if (isForbiddenOnFlex(name)) {
      problems.push(`infra/main.bicep sets ${name}, which Flex Consumption rejects.`);
    }
  }
  for (const name of hostJsonReferences) {
    if (!setInAzure.has(name)) {
      problems.push(`host.json reads %${name}%, but infra/app/appSettings.json does not set it in Azure.`);
    }
    if (!localSettingKeys.includes(name)) {
      problems.push(`host.json reads %${name}%, but local.settings.json does not set it.`);
    }
  }
  // The host resolves these when it indexes the functions: one that is not set disables the function.
  for (const name of bindingReferences) {
    if (!setInAzure.has(name)) {
      problems.push(
        `A function's binding reads %${name}%, but infra/app/appSettings.json does not set it in Azure.`,
      );
    }
    if (!localSettingKeys.includes(name)) {
      problems.push(`A function's binding reads %${name}%, but local.settings.json does not set it.`);
    }
  }
  return problems;
}

/** A Cosmos container as the app defines it and as cosmosContainers.json declares it. */
export interface ContainerDefinition {
  id: string;
  partitionKey: { paths: readonly string[] };
  defaultTtl?: number;
  indexingPolicy?: unknown;
}

export function checkContainers(
  usedByApp: readonly ContainerDefinition[],
  declared: readonly ContainerDefinition[],
): string[] {
  const problems: string[] = [];
  for (const used of usedByApp) {
    const match = declared.find((container) => container.id === used.id);
    if (!match) {
      problems.push(
        `Container ${used.id} is used by src/data but not declared in infra/app/cosmosContainers.json.`,
      );
      continue;
    }
    if (!sameJson(used.partitionKey.paths, match.partitionKey.paths)) {
      problems.push(
        `Container ${used.id} has partition key ${used.partitionKey.paths.join(',')} in src/data but ` +
          `${match.partitionKey.paths.join(',')} in infra/app/cosmosContainers.json.`,
      );
    }
    if (used.defaultTtl !== match.defaultTtl) {
      problems.push(
        `Container ${used.id} has defaultTtl ${String(used.defaultTtl)} in src/data but ` +
          `${String(match.defaultTtl)} in infra/app/cosmosContainers.json.`,
      );
    }
    if (!sameJson(used.indexingPolicy, match.indexingPolicy)) {
      problems.push(
        `Container ${used.id} has a different indexingPolicy in src/data and infra/app/cosmosContainers.json.`,
      );
    }
  }
  for (const container of declared) {
    if (!usedByApp.some((used) => used.id === container.id)) {
      problems.push(
        `Container ${container.id} is declared in infra/app/cosmosContainers.json but src/data does not use it.`,
      );
    }
  }
  return problems;
}

export interface HostJson {
  extensionBundle?: { id?: string; version?: string };
  extensions?: { durableTask?: { hubName?: string } };
}

/** Names a text reads from app settings through `%NAME%` (host.json, a function's options). */
export function settingReferences(text: string): string[] {
  return [...new Set([...text.matchAll(/%([A-Za-z0-9_]+)%/g)].map((match) => match[1] as string))];
}

/**
 * The extension bundle must be v4 (Durable Functions for the Node v4 model) and the hub name must
 * resolve, in Azure, to a name the Azure Storage provider accepts (3-45 letters and digits,
 * starting with a letter).
 */
export function checkHostJson(host: HostJson, resolve: (setting: string) => string | undefined): string[] {
  const problems: string[] = [];
  if (host.extensionBundle?.id !== 'Microsoft.Azure.Functions.ExtensionBundle') {
    problems.push('host.json has no extensionBundle Microsoft.Azure.Functions.ExtensionBundle.');
  } else if (!/^\[4\.\*, ?5\.0\.0\)$/.test(host.extensionBundle.version ?? '')) {
    problems.push(
      `host.json asks for extension bundle ${String(host.extensionBundle.version)}; the app needs [4.*, 5.0.0).`,
    );
  }
  const hubName = host.extensions?.durableTask?.hubName;
  if (!hubName) {
    problems.push('host.json sets no extensions.durableTask.hubName.');
    return problems;
  }
  const setting = /^%([A-Za-z0-9_]+)%$/.exec(hubName)?.[1];
  const resolved = setting ? resolve(setting) : hubName;
  if (resolved === undefined) {
    problems.push(`host.json takes the hub name from ${String(setting)}, which Azure does not set.`);
  } else if (!/^[A-Za-z][A-Za-z0-9]{2,44}$/.test(resolved)) {
    problems.push(`Task hub name "${resolved}" is not 3-45 letters and digits starting with a letter.`);
  }
  return problems;
}

export interface BicepParam {
  name: string;
  hasDefault: boolean;
}

/** Top-level `param` declarations of a Bicep file. */
export function bicepParams(bicep: string): BicepParam[] {
  return [...bicep.matchAll(/^param\s+(\w+)\s+\w+(\s*=)?/gm)].map((match) => ({
    name: match[1] as string,
    hasDefault: match[2] !== undefined,
  }));
}

/** Top-level `output` names of a Bicep file. */
export function bicepOutputs(bicep: string): string[] {
  return [...bicep.matchAll(/^output\s+(\w+)\s/gm)].map((match) => match[1] as string);
}

/**
 * Keys of a top-level `var <name> = { ... }` object in a Bicep file: the lines between the
 * opening brace and the first line that is only a closing brace, one `key: value` per line.
 */
export function bicepObjectKeys(bicep: string, variable: string): string[] {
  const lines = bicep.split('\n');
  const start = lines.findIndex((line) => new RegExp(`^var\\s+${variable}\\s*=\\s*\\{\\s*$`).test(line));
  if (start < 0) return [];
  const keys: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (/^\}\s*$/.test(line)) break;
    const key = /^\s+'?([A-Za-z_][\w-]*)'?\s*:/.exec(line)?.[1];
    if (key) keys.push(key);
  }
  return keys;
}

export interface BicepInput {
  params: readonly BicepParam[];
  outputs: readonly string[];
  /** Keys of main.parameters.json `parameters`. */
  parameterFileKeys: readonly string[];
}

export function checkBicepInterface({ params, outputs, parameterFileKeys }: BicepInput): string[] {
  const problems: string[] = [];
  for (const key of parameterFileKeys) {
    if (!params.some((param) => param.name === key)) {
      problems.push(
        `infra/main.parameters.json sets ${key}, which infra/main.bicep does not declare as a param.`,
      );
    }
  }
  for (const param of params) {
    if (!param.hasDefault && !parameterFileKeys.includes(param.name)) {
      problems.push(
        `infra/main.bicep requires param ${param.name}, but infra/main.parameters.json does not set it.`,
      );
    }
  }
  for (const output of outputs) {
    if (!/^[A-Z][A-Z0-9_]*$/.test(output)) {
      problems.push(
        `Output ${output} of infra/main.bicep is not UPPER_SNAKE (azd turns outputs into environment variables).`,
      );
    }
  }
  return problems;
}

/** Variables azd sets itself, so docs may `azd env set` them without a parameter mapping. */
const azdVariables = [
  'AZURE_ENV_NAME',
  'AZURE_LOCATION',
  'AZURE_SUBSCRIPTION_ID',
  'AZURE_RESOURCE_GROUP',
  'AZURE_PRINCIPAL_ID',
];

export interface DocsInput {
  /** Documents and workflows to check, by path. */
  documents: ReadonlyArray<{ path: string; text: string }>;
  scripts: readonly string[];
  params: readonly string[];
  outputs: readonly string[];
  /** The raw text of main.parameters.json (for the `${VAR}` names azd substitutes). */
  parameterFileText: string;
  /** Whether a project-relative path exists. */
  exists: (relativePath: string) => boolean;
}

/** Every npm script, parameter, output, azd variable and project file the docs name must exist. */
export function checkDocs(input: DocsInput): string[] {
  const problems: string[] = [];
  for (const { path, text } of input.documents) {
    for (const [, script] of text.matchAll(/\bnpm run ([\w:.-]+)/g)) {
      if (!input.scripts.includes(script as string))
        problems.push(`${path} runs npm run ${script}, which package.json lacks.`);
    }
    for (const [, script] of text.matchAll(/\bnpm (test|start)\b/g)) {
      if (!input.scripts.includes(script as string))
        problems.push(`${path} runs npm ${script}, which package.json lacks.`);
    }
    for (const [, output] of text.matchAll(/(?:properties\.outputs\.|azd env get-value )([A-Za-z_]\w*)/g)) {
      if (!input.outputs.includes(output as string)) {
        problems.push(`${path} reads output ${output}, which infra/main.bicep does not declare.`);
      }
    }
    for (const [, assignments] of text.matchAll(/--parameters((?:\s+\\?\s*[A-Za-z]\w*=\S+)+)/g)) {
      for (const [, param] of (assignments as string).matchAll(/([A-Za-z]\w*)=/g)) {
        if (!input.params.includes(param as string)) {
          problems.push(`${path} passes parameter ${param}, which infra/main.bicep does not declare.`);
        }
      }
    }
    for (const [, variable] of text.matchAll(/azd env set ([A-Z_][A-Z0-9_]*)/g)) {
      const mapped = input.parameterFileText.includes(`\${${variable as string}`);
      if (!mapped && !azdVariables.includes(variable as string)) {
        problems.push(`${path} sets azd variable ${variable}, which infra/main.parameters.json never reads.`);
      }
    }
    for (const [, file] of text.matchAll(
      /(?<![\w./-])((?:infra|scripts|\.ci|\.github|docs|src|test)\/[\w./-]*\w)/g,
    )) {
      if (!input.exists(file as string)) problems.push(`${path} names ${file}, which does not exist.`);
    }
  }
  return problems;
}

/** Every setting the app reads must have a row in the settings table of docs/deploy.md. */
export function checkSettingsTable(deployDoc: string, names: readonly string[]): string[] {
  const rows = new Set([...deployDoc.matchAll(/^\| `([\w]+)` \|/gm)].map((match) => match[1]));
  return names
    .filter((name) => !rows.has(name))
    .map((name) => `docs/deploy.md has no row for setting ${name} in its App settings table.`);
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Backticked names in the first column of the table that follows `heading` in a Markdown text. */
export function tableNames(markdown: string, heading: string): string[] {
  const start = markdown.split('\n').findIndex((line) => line.trim() === heading);
  if (start < 0) return [];
  const rows = markdown
    .split('\n')
    .slice(start + 1)
    .filter((_, index, lines) =>
      lines.slice(0, index + 1).every((line) => line.startsWith('|') || line.trim() === ''),
    )
    .filter((line) => line.startsWith('|'));
  return rows.flatMap((row) =>
    [...(row.split('|')[1] ?? '').matchAll(/`([\w]+)`/g)].map((match) => match[1] as string),
  );
}

/** A documented table (of parameters or outputs) must list exactly what main.bicep declares. */
export function checkDocumentedTable(
  what: string,
  documented: readonly string[],
  declared: readonly string[],
): string[] {
  return [
    ...declared
      .filter((name) => !documented.includes(name))
      .map((name) => `docs/deploy.md does not document ${what} ${name}.`),
    ...documented
      .filter((name) => !declared.includes(name))
      .map((name) => `docs/deploy.md documents ${what} ${name}, which infra/main.bicep does not declare.`),
  ];
}

/** `@allowed([...])` string values of each top-level param of a Bicep file, by param name. */
export function bicepAllowedValues(bicep: string): Record<string, string[]> {
  const allowed: Record<string, string[]> = {};
  for (const match of bicep.matchAll(/@allowed\(\[([^\]]*)\]\)\s*(?:@[^\n]*\n\s*)*param\s+(\w+)/g)) {
    allowed[match[2] as string] = [...(match[1] as string).matchAll(/'([^']*)'/g)].map(
      (value) => value[1] as string,
    );
  }
  return allowed;
}

/**
 * An ARM deployment parameters file: the schema and content version ARM expects, one `{ value }`
 * per parameter, and azd placeholders (`${NAME}` or `${NAME=default}`) whose literal defaults
 * are allowed values of their parameter.
 */
export function checkParameterFile(file: unknown, allowed: Record<string, string[]>): string[] {
  const problems: string[] = [];
  const parsed = file as {
    $schema?: unknown;
    contentVersion?: unknown;
    parameters?: Record<string, unknown>;
  };
  if (typeof parsed.$schema !== 'string' || !/\/deploymentParameters\.json#$/.test(parsed.$schema)) {
    problems.push('infra/main.parameters.json has no deploymentParameters.json $schema.');
  }
  if (parsed.contentVersion !== '1.0.0.0')
    problems.push('infra/main.parameters.json has no contentVersion 1.0.0.0.');
  for (const [name, entry] of Object.entries(parsed.parameters ?? {})) {
    const keys = typeof entry === 'object' && entry !== null ? Object.keys(entry) : [];
    if (keys.length !== 1 || keys[0] !== 'value') {
      problems.push(`Parameter ${name} in infra/main.parameters.json must be an object with only a value.`);
      continue;
    }
    const value = (entry as { value: unknown }).value;
    const placeholder =
      typeof value === 'string' ? /^\$\{([A-Z_][A-Z0-9_]*)(?:=([^}]*))?\}$/.exec(value) : null;
    if (typeof value === 'string' && value.includes('${') && !placeholder) {
      problems.push(`Parameter ${name} has a malformed azd placeholder: ${value}.`);
    }
    const literal = placeholder ? placeholder[2] : typeof value === 'string' ? value : undefined;
    const permitted = allowed[name];
    if (permitted && literal !== undefined && !permitted.includes(literal)) {
      problems.push(`Parameter ${name} defaults to '${literal}', which its @allowed list does not contain.`);
    }
  }
  return problems;
}

/** ARM takes app settings as strings only. */
export function checkSettingValues(file: AppSettingsFile): string[] {
  return Object.entries(file.settings)
    .filter(([, value]) => typeof value !== 'string')
    .map(([name]) => `Setting ${name} in infra/app/appSettings.json must be a string.`);
}
