// Cosmos DB for NoSQL, serverless, keys disabled: the app reaches it only with its managed identity
// (data-plane role in access.bicep). Data-plane roles cannot create databases or containers, so
// every container the app uses is declared here, from cosmosContainers.json.
param name string
param location string
param tags object
param databaseName string

@description('Containers as in cosmosContainers.json: [{ id, partitionKey: { paths }, defaultTtl?, indexingPolicy? }].')
param containers array

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {
  name: name
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    capabilities: [
      {
        name: 'EnableServerless'
      }
    ]
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: 'Enabled'
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-11-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: {
      id: databaseName
    }
  }
}

// Serverless accounts take no throughput options on containers. Optional fields are passed only
// when the JSON has them, so the service defaults stay the service's.
resource sqlContainers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = [
  for container in containers: {
    parent: database
    name: container.id
    properties: {
      resource: union(
        {
          id: container.id
          partitionKey: {
            paths: container.partitionKey.paths
            kind: length(container.partitionKey.paths) > 1 ? 'MultiHash' : 'Hash'
            version: 2
          }
        },
        contains(container, 'defaultTtl') ? { defaultTtl: container.defaultTtl } : {},
        contains(container, 'indexingPolicy') ? { indexingPolicy: container.indexingPolicy } : {}
      )
    }
  }
]

output name string = account.name
output endpoint string = account.properties.documentEndpoint
output databaseName string = database.name
