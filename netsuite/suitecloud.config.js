// SuiteCloud CLI project configuration (npm @oracle/suitecloud-cli): `suitecloud project:deploy`.
module.exports = {
  defaultProjectFolder: 'src',
  commands: {},
};
