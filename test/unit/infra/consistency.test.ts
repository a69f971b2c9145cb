import { ConfigSchema } from '../../../src/config';
import { CONTAINERS } from '../../../src/data/containers';
import {
  bicepAllowedValues,
  bicepObjectKeys,
  bicepOutputs,
  bicepParams,
  checkAppSettings,
  checkBicepInterface,
  checkContainers,
  checkDocs,
  checkDocumentedTable,
  checkHostJson,
  checkParameterFile,
  checkSettingValues,
  checkSettingsTable,
  type ContainerDefinition,
  settingReferences,
  isForbiddenOnFlex,
  type SettingsInput,
  tableNames,
} from './consistencyChecks';
import {
  appSettingsFile,
  bicepFiles,
  declaredContainers,
  deploymentDocuments,
  exists,
  hostJson,
  localSettingKeys,
  npmScripts,
  parameterFileKeys,
  readJson,
  readText,
  sourceFiles,
} from './projectFiles';

const mainBicep = readText('infra/main.bicep');
const configKeys = Object.keys(ConfigSchema.shape);
const appContainers: ContainerDefinition[] = Object.values(CONTAINERS);

function settingsInput(): SettingsInput {
  return {
    configKeys,
    file: appSettingsFile(),
    bicepInfrastructureKeys: bicepObjectKeys(mainBicep, 'infrastructureSettings'),
    hostJsonReferences: settingReferences(readText('host.json')),
    bindingReferences: [
      ...new Set(sourceFiles('src/functions').flatMap((file) => settingReferences(readText(file)))),
    ],
    localSettingKeys: localSettingKeys(),
  };
}

describe('app settings in Azure', () => {
  it('account for every setting the app reads, set nothing that nothing reads, and match main.bicep', () => {
    expect(checkAppSettings(settingsInput())).toEqual([]);
  });

  it('are read by the app only through src/config.ts, so its schema is the whole list', () => {
    const readers = sourceFiles('src')
      .filter((file) => file !== 'src/config.ts' && /process\.env/.test(readText(file)))
      .sort();
    expect(readers).toEqual([]);
  });

  it('are not found complete when a setting is added to the config schema alone', () => {
    const input = settingsInput();
    const problems = checkAppSettings({ ...input, configKeys: [...input.configKeys, 'NEW_SETTING'] });
    expect(problems).toEqual([expect.stringMatching(/^NEW_SETTING is read by src\/config\.ts/)]);
  });

  it('are found incomplete when a function reads a %setting% that Azure or local.settings.json lacks', () => {
    const input = settingsInput();
    const problems = checkAppSettings({
      ...input,
      bindingReferences: [...input.bindingReferences, 'NEW_SCHEDULE'],
    });
    expect(problems).toEqual([
      "A function's binding reads %NEW_SCHEDULE%, but infra/app/appSettings.json does not set it in Azure.",
      "A function's binding reads %NEW_SCHEDULE%, but local.settings.json does not set it.",
    ]);
  });

  it('are rejected when they set what Flex Consumption forbids', () => {
    const input = settingsInput();
    const file = { ...input.file, settings: { ...input.file.settings, FUNCTIONS_WORKER_RUNTIME: 'node' } };
    expect(checkAppSettings({ ...input, file })).toContainEqual(
      expect.stringMatching(/FUNCTIONS_WORKER_RUNTIME is set, but Flex Consumption rejects it/),
    );
    expect(isForbiddenOnFlex('WEBSITE_CONTENTSHARE')).toBe(true);
  });

  it('are found inconsistent when main.bicep computes a setting the JSON does not list', () => {
    const input = settingsInput();
    const problems = checkAppSettings({
      ...input,
      bicepInfrastructureKeys: [...input.bicepInfrastructureKeys, 'EXTRA_FROM_BICEP'],
    });
    expect(problems).toContainEqual(expect.stringMatching(/infra\/main\.bicep sets EXTRA_FROM_BICEP/));
  });

  it('never appear as forbidden keys anywhere in the Bicep', () => {
    const offending = bicepFiles().flatMap((file) =>
      [...readText(file).matchAll(/^\s*'?([A-Za-z_]\w*)'?\s*:/gm)]
        .map((match) => match[1] as string)
        .filter(isForbiddenOnFlex)
        .map((name) => `${file}: ${name}`),
    );
    expect(offending).toEqual([]);
  });

  it('each have a row in the settings table of docs/deploy.md', () => {
    const file = appSettingsFile();
    const names = [...configKeys, ...Object.keys(file.settings), ...Object.keys(file.fromInfrastructure)];
    expect(checkSettingsTable(readText('docs/deploy.md'), names)).toEqual([]);
  });
});

describe('Cosmos DB containers', () => {
  it('are declared for Azure exactly as src/data defines them', () => {
    expect(checkContainers(appContainers, declaredContainers())).toEqual([]);
  });

  it('are found inconsistent when a partition key differs', () => {
    const mutated = declaredContainers().map((container, index) =>
      index === 0 ? { ...container, partitionKey: { paths: ['/somethingElse'] } } : container,
    );
    const first = declaredContainers()[0] as ContainerDefinition;
    expect(checkContainers(appContainers, mutated)).toEqual([
      `Container ${first.id} has partition key ${first.partitionKey.paths.join(',')} in src/data but /somethingElse in infra/app/cosmosContainers.json.`,
    ]);
  });

  it('are found inconsistent when the app uses a container Azure would not have', () => {
    const problems = checkContainers(
      [...appContainers, { id: 'newThings', partitionKey: { paths: ['/id'] } }],
      declaredContainers(),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^Container newThings is used by src\/data but not declared/),
    ]);
  });

  it('are created by cosmos.bicep from the JSON the test reads', () => {
    expect(readText('infra/app/cosmos.bicep')).toMatch(/for container in containers:/);
    expect(mainBicep).toMatch(/loadJsonContent\('app\/cosmosContainers\.json'\)/);
    expect(mainBicep).toMatch(/containers: cosmosLayout\.containers/);
  });
});

describe('host.json', () => {
  it('has the v4 extension bundle and a task hub name that Azure sets to a valid name', () => {
    const file = appSettingsFile();
    expect(checkHostJson(hostJson(), (name) => file.settings[name])).toEqual([]);
  });

  it('is found wrong when the hub name resolves to nothing in Azure', () => {
    expect(checkHostJson(hostJson(), () => undefined)).toEqual([
      expect.stringMatching(/takes the hub name from TASKHUB_NAME, which Azure does not set/),
    ]);
  });
});

describe('Bicep', () => {
  it('takes every parameter the parameters file sets, and the file sets every required one', () => {
    expect(
      checkBicepInterface({
        params: bicepParams(mainBicep),
        outputs: bicepOutputs(mainBicep),
        parameterFileKeys: parameterFileKeys(),
      }),
    ).toEqual([]);
  });

  it("has a parameters file of ARM's shape whose azd defaults are allowed values", () => {
    const allowed = bicepAllowedValues(mainBicep);
    expect(allowed.principalType).toEqual(['User', 'Group', 'ServicePrincipal']);
    expect(checkParameterFile(readJson('infra/main.parameters.json'), allowed)).toEqual([]);
    expect(checkSettingValues(appSettingsFile())).toEqual([]);
    const mutated = {
      ...readJson<object>('infra/main.parameters.json'),
      parameters: { principalType: { value: '${AZURE_PRINCIPAL_TYPE=Robot}' } },
    };
    expect(checkParameterFile(mutated, allowed)).toEqual([
      "Parameter principalType defaults to 'Robot', which its @allowed list does not contain.",
    ]);
  });

  it('is found inconsistent when the parameters file names an unknown parameter', () => {
    const problems = checkBicepInterface({
      params: bicepParams(mainBicep),
      outputs: bicepOutputs(mainBicep),
      parameterFileKeys: [...parameterFileKeys(), 'notAParam'],
    });
    expect(problems).toEqual([
      expect.stringMatching(/sets notAParam, which infra\/main\.bicep does not declare/),
    ]);
  });

  it('loads only JSON files and modules that exist', () => {
    const missing = bicepFiles().flatMap((file) => {
      const dir = file.slice(0, file.lastIndexOf('/'));
      const references = [...readText(file).matchAll(/(?:loadJsonContent\(|module\s+\w+\s+)'([^']+)'/g)];
      return references.map((match) => `${dir}/${match[1] as string}`).filter((target) => !exists(target));
    });
    expect(missing).toEqual([]);
  });

  it('runs the app on Node 22 with the identity reading the deployment package', () => {
    const functionApp = readText('infra/app/functionApp.bicep');
    expect(functionApp).toMatch(/name: 'node'/);
    expect(functionApp).toMatch(/param runtimeVersion string = '22'/);
    expect(functionApp).toMatch(/type: 'UserAssignedIdentity'/);
    expect(functionApp).toMatch(/tier: 'FlexConsumption'/);
  });

  it('grants the identity the roles the Durable extension, telemetry and Cosmos DB need', () => {
    const access = readText('infra/app/access.bicep');
    for (const role of [
      'b7e6dc6d-f1e8-4753-8033-0f276bb0955b', // Storage Blob Data Owner
      '974c5e8b-45b9-4653-ba55-5f855dd0fb88', // Storage Queue Data Contributor
      '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3', // Storage Table Data Contributor
      '3913510d-42f4-4e42-8a64-420c390055eb', // Monitoring Metrics Publisher
      '00000000-0000-0000-0000-000000000002', // Cosmos DB Built-in Data Contributor
    ]) {
      expect(access).toContain(role);
    }
    const assignmentNames = [...access.matchAll(/^\s+name: (.+)$/gm)].map((match) => match[1] as string);
    expect(assignmentNames.length).toBeGreaterThan(0);
    expect(assignmentNames.filter((name) => !name.startsWith('guid(') && !/^\w+Name$/.test(name))).toEqual(
      [],
    );
  });

  it('disables local (key) authentication wherever the service allows it', () => {
    expect(readText('infra/app/storage.bicep')).toMatch(/allowSharedKeyAccess: false/);
    expect(readText('infra/app/cosmos.bicep')).toMatch(/disableLocalAuth: true/);
    expect(readText('infra/app/monitoring.bicep')).toMatch(/DisableLocalAuth: true/);
    expect(readText('infra/app/monitoring.bicep')).toMatch(/disableLocalAuth: true/);
  });
});

describe('deployment docs and workflows', () => {
  it('name only npm scripts, parameters, outputs and files that exist', () => {
    const problems = checkDocs({
      documents: deploymentDocuments(),
      scripts: npmScripts(),
      params: bicepParams(mainBicep).map((param) => param.name),
      outputs: bicepOutputs(mainBicep),
      parameterFileText: readText('infra/main.parameters.json'),
      exists,
    });
    expect(problems).toEqual([]);
  });

  it('document every parameter and output of main.bicep, and nothing else', () => {
    const deployDoc = readText('docs/deploy.md');
    expect([
      ...checkDocumentedTable(
        'parameter',
        tableNames(deployDoc, '### Parameters'),
        bicepParams(mainBicep).map((p) => p.name),
      ),
      ...checkDocumentedTable('output', tableNames(deployDoc, '### Outputs'), bicepOutputs(mainBicep)),
    ]).toEqual([]);
    expect(checkDocumentedTable('output', ['AZURE_LOCATION'], ['AZURE_LOCATION', 'NEW_OUTPUT'])).toEqual([
      'docs/deploy.md does not document output NEW_OUTPUT.',
    ]);
  });

  it('are found wrong when they name a script package.json lacks or an output main.bicep lacks', () => {
    const problems = checkDocs({
      documents: [{ path: 'doc.md', text: 'npm run ship\naz ... --query properties.outputs.NOPE.value' }],
      scripts: npmScripts(),
      params: [],
      outputs: bicepOutputs(mainBicep),
      parameterFileText: '',
      exists,
    });
    expect(problems).toEqual([
      'doc.md runs npm run ship, which package.json lacks.',
      'doc.md reads output NOPE, which infra/main.bicep does not declare.',
    ]);
  });
});
