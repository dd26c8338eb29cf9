// The isomorphic core names WebCrypto types; Node has them under node:crypto's webcrypto.
type CryptoKey = import('node:crypto').webcrypto.CryptoKey;
type CryptoKeyPair = import('node:crypto').webcrypto.CryptoKeyPair;
