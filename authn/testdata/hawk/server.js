// A Hawk server made of @hapi/hawk (npm, pinned in .ci/node): the interop
// peer of authn/hawk_node_test.go. It listens on 127.0.0.1 (an ephemeral
// port, printed as the first line of stdout) and authenticates every request
// with Hawk.server.authenticate: the credentials below, nonces remembered,
// the payload checked for POST, its clock moved by the offset given as the
// first argument (milliseconds, for the Stale timestamp answer). A request
// that passes gets 200 with a Server-Authorization made by
// Hawk.server.header over the response body; one that fails gets the Boom
// error @hapi/hawk throws (status, WWW-Authenticate, payload).
'use strict';

const Http = require('http');
const Hawk = require('@hapi/hawk');

const offset = parseInt(process.argv[2] || '0', 10);
const credentials = {
    dh37fgj492je: { id: 'dh37fgj492je', key: 'werxhqb98rpaxn39848xrunpaw3489ruxnpa98w4rxn', algorithm: 'sha256' },
    'sha1-id': { id: 'sha1-id', key: 'werxhqb98rpaxn39848xrunpaw3489ruxnpa98w4rxn', algorithm: 'sha1' }
};
const seen = new Set();

const server = Http.createServer((req, res) => {

    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {

        const payload = Buffer.concat(chunks).toString('utf8');
        const options = {
            localtimeOffsetMsec: offset,
            nonceFunc: (key, nonce, ts) => {

                if (seen.has(key + '\0' + nonce)) {
                    throw new Error('replay');
                }

                seen.add(key + '\0' + nonce);
            }
        };
        if (req.method === 'POST') {
            options.payload = payload;
        }

        try {
            const { credentials: creds, artifacts } = await Hawk.server.authenticate(req, (id) => credentials[id], options);
            const body = JSON.stringify({ ok: true, id: creds.id, method: artifacts.method, resource: artifacts.resource });
            const header = Hawk.server.header(creds, artifacts, { payload: body, contentType: 'application/json', ext: 'hapi-reply' });
            res.writeHead(200, { 'Content-Type': 'application/json', 'Server-Authorization': header });
            res.end(body);
        }
        catch (err) {
            const out = err.output || { statusCode: 500, headers: {}, payload: { message: String(err) } };
            res.writeHead(out.statusCode, Object.assign({ 'Content-Type': 'application/json' }, out.headers));
            res.end(JSON.stringify(out.payload));
        }
    });
});

server.listen(0, '127.0.0.1', () => {

    process.stdout.write(server.address().port + '\n');
});
