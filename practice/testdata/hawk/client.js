// A Hawk client made of @hapi/hawk (npm, pinned in .ci/node): the interop
// peer of practice/hawk_node_test.go. Arguments: URL, method, id, key,
// algorithm, payload ('' for none). It signs with Hawk.client.header (the
// payload hashed as application/json when given), sends the request with
// node's http, and checks the answer with Hawk.client.authenticate
// (Server-Authorization required, the response payload checked). It prints
// one JSON line: status, body, and whether the Server-Authorization verified
// (with the error when it did not).
'use strict';

const Http = require('http');
const Hawk = require('@hapi/hawk');

const [url, method, id, key, algorithm, payload] = process.argv.slice(2);
const credentials = { id, key, algorithm };
const options = { credentials, ext: 'node-client' };
if (payload) {
    options.payload = payload;
    options.contentType = 'application/json';
}

const { header, artifacts } = Hawk.client.header(url, method, options);
const headers = { Authorization: header };
if (payload) {
    headers['Content-Type'] = 'application/json';
}

const req = Http.request(url, { method, headers }, (res) => {

    const chunks = [];
    res.on('data', (c) => chunks.push(c));
    res.on('end', () => {

        const body = Buffer.concat(chunks).toString('utf8');
        const out = { status: res.statusCode, body, header, verified: false };
        try {
            Hawk.client.authenticate(res, credentials, artifacts, { payload: body, required: true });
            out.verified = true;
        }
        catch (err) {
            out.error = err.message;
        }

        process.stdout.write(JSON.stringify(out) + '\n');
    });
});

req.on('error', (err) => {

    process.stdout.write(JSON.stringify({ error: err.message }) + '\n');
    process.exitCode = 1;
});

if (payload) {
    req.write(payload);
}

req.end();
