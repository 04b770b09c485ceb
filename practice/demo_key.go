package practice

// DemoRSAPrivateKeyPEM is the private half of the demo consumer's RSA key
// pair (PKCS#1 PEM), for signing with RSA-SHA1 (RFC 5849 §3.4.3). It is
// published on purpose, like every other demo credential: give it to a
// client as its private key (authlab: -c private_key=…). The server verifies
// with its public half unless Options.RSAPublicKey says otherwise. Never use
// it for anything but practice.
const DemoRSAPrivateKeyPEM = `-----BEGIN RSA PRIVATE KEY-----
MIIEpAIBAAKCAQEAvflwzOGotv19eh0/R7vulBxnQxKro07+okwVUbDBstkPpyv8
ZPpNC6mu+BLmsHmdcJSqQdfNnSBodD5PSSWXvGw5FspBs/bGuIYctvwmKt4rBoHO
2G5pZIM8ZGaSb2YAGUYyKxeqTcoAe3gHo9DcWxEWpMMFi15ldBfsdU0j2vKLOmN4
1eLjqrA/IRc9OQnzzt0B4e0cDD00Kul+XCrEQk1+f8m4WiJuD/BOMDckPqLUvl9s
cHLE1zKA92LNIU2AOBEP+MHxkMO4QSQmmQvLCccNEhYCiSg9v0pZ96xyz7sJTFf4
MqbuXjRMj24SRGr1ZAelpenYecgQvIP/5gTZqwIDAQABAoIBABjjlsczjgFCGbqH
cr8eXJCpXfqtdgY5zGY4AJezctUl11qoCnOyT/4bV4c8drPKjc7DnhYX72IgGP9D
G0EdPJFyPlKBjMpxUNy5BAcR5vA5K5A5Ln/a4KegrVIGwYr4ZUKVGJqJCbC8/9jX
7hb6FKdBCGNCrQsdgr411NlovK4BBsD5kdKZV/2k/v17P9Z4Bb0WlxgDw2HXUTah
zI8ZnKTOn3ooky5tJYxBJKDpMniCF7O3owFjMPYLjVIkV1gy+YBAnRH3qm5KfPUN
LzBrIfDpn/ZY+LdQSHd5SgWG1Yo6yG1ZU4u4ODuHDQtY81EM4XG+/xiXvmOQgB6Z
C57oCnECgYEA//Csdlco2np9/uniUR+I4y455FmkD2+kzJI92I4xHCfRqJm/2Byq
CWTNPpm5fwf+0QWzQq2I6iWS6OvzMDSvRBPLVG+F1yEehzjzcZXf8YzGLrKblKqQ
a0W5K0EfDaG45UqgN2p3zgaIQ01ZYPMgr1zUxo8IGAYEMA/yyLtlj7sCgYEAvgTR
Ft+w/TzUFvyRTkKkxcwnIzL6Ud6pCkA2ejZnTjKRDj3GGGwXf7lVVUji8lwRKtwZ
F47we5cvy44P9zBwSdSDRZlNn3LpmHck4MsRqTIo6NQ8wQ5QCIHz2MQIfv40Y8w8
fo49aMqfLv9dMuUu/NZkhhUxLjfmLL18z24iZtECgYEAzIP0PAg/4/13ywf3yd1K
FEdvCVK8L32GEdZWR0KwaZBED9b0Huwgz6rV+0z5llG8RCiq6wAiZQArWaaZyI6A
8wRiORF4wMR9UY6nsb8SmUFlaBFfEzgMeTvY0ICUIN93EPpF9qJEI8TChA09+6Os
HZUvjY7j59Z+6C0GU3KzoFsCgYEArgUVQ8B6g4DYr3CA1k48PpU35omCK8YhwyyJ
d6UpOLkglQ1HxQgBAUzG9IL6rIBajIjjRer3HAiake25e2TWARdpXS0HpJYFjkbW
9DOlKfGw+4GbXiZwb0or+oGVUlAVxKu/Xxt+6+BcphrhzIGNZaomh5ES6EPzPVgP
3Jv9T3ECgYBStokL30LAlRDifaPTOhK1FbTHKxD7ETCP/YjmyL3ofeDw+V7lJh0F
MGecmlx2/nUTj5l+jA/287/brECdFbey21pyGwKx0GMxoQCXDJI4u1D9bWI0iB/d
BOhc1E0eYJ+52BOYdXEKKSaA04nhSdbYIv+wMyJOR+/JqzYM62jgQg==
-----END RSA PRIVATE KEY-----
`
