export * from '../../../sync-server/dev/soft-authenticator';
