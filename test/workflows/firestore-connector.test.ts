/** googleapis.firestore.v1 connectors against the embedded Firestore emulator. */
import { startFirestoreEmulator, type RunningFirestoreEmulator } from '../../emulator/firestore/server';
import { runYaml } from './support/run-case';

let emu: RunningFirestoreEmulator;
const saved = process.env.FIRESTORE_EMULATOR_HOST;
beforeAll(async () => {
  emu = await startFirestoreEmulator({ host: '127.0.0.1', port: 0 });
  process.env.FIRESTORE_EMULATOR_HOST = emu.address;
});
afterAll(async () => {
  if (saved === undefined) delete process.env.FIRESTORE_EMULATOR_HOST;
  else process.env.FIRESTORE_EMULATOR_HOST = saved;
  await emu?.stop();
});

test('create, get, patch, list and delete documents with REST shapes', async () => {
  const r = await runYaml(`
main:
  steps:
    - init:
        assign:
          - parent: "projects/wf-test/databases/(default)/documents"
          - name: \${parent + "/runs/r1"}
    - create:
        call: googleapis.firestore.v1.projects.databases.documents.createDocument
        args:
          parent: \${parent}
          collectionId: runs
          documentId: r1
          body:
            fields:
              status:
                stringValue: "started"
              count:
                integerValue: "3"
              ratio:
                doubleValue: 0.5
        result: created
    - patch:
        call: googleapis.firestore.v1.projects.databases.documents.patch
        args:
          name: \${name}
          updateMask:
            fieldPaths: ["status"]
          body:
            fields:
              status:
                stringValue: "done"
        result: patched
    - get:
        call: googleapis.firestore.v1.projects.databases.documents.get
        args:
          name: \${name}
        result: got
    - list:
        call: googleapis.firestore.v1.projects.databases.documents.list
        args:
          parent: \${parent}
          collectionId: runs
        result: listed
    - del:
        call: googleapis.firestore.v1.projects.databases.documents.delete
        args:
          name: \${name}
    - missing:
        try:
          call: googleapis.firestore.v1.projects.databases.documents.get
          args:
            name: \${name}
        except:
          as: e
          steps:
            - r:
                return:
                  created: \${created.fields}
                  name: \${got.name}
                  fields: \${got.fields}
                  listed: \${len(listed.documents)}
                  missing: \${e.code}
                  hasTimes: \${got.createTime != null and got.updateTime != null}
`);
  expect(r.record.state).toBe('SUCCEEDED');
  expect(r.result).toEqual({
    created: { status: { stringValue: 'started' }, count: { integerValue: '3' }, ratio: { doubleValue: 0.5 } },
    name: 'projects/wf-test/databases/(default)/documents/runs/r1',
    fields: { status: { stringValue: 'done' }, count: { integerValue: '3' }, ratio: { doubleValue: 0.5 } },
    listed: 1,
    missing: 404,
    hasTimes: true,
  });
});
