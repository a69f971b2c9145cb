import { listeningPorts } from '../../../../devhost/src/emulators/testing';

describe('listeningPorts', () => {
  const started = [
    'Azurite Blob service is starting at http://127.0.0.1:0',
    'Azurite Blob service is successfully listening at http://127.0.0.1:41001',
    'Azurite Queue service is starting at http://127.0.0.1:0',
    'Azurite Queue service is successfully listening at http://127.0.0.1:41002',
    'Azurite Table service is starting at http://127.0.0.1:0',
    'Azurite Table service is successfully listening at http://127.0.0.1:41003',
  ];

  it('reads the ports Azurite chose from its output once all three services listen', () => {
    expect(listeningPorts(started.join('\n'))).toEqual({ blob: 41001, queue: 41002, table: 41003 });
  });

  it('reports nothing while a service is still starting', () => {
    expect(listeningPorts(started.slice(0, 4).join('\n'))).toBeUndefined();
    expect(listeningPorts('')).toBeUndefined();
  });
});
