// A throwaway Bluesky PDS with an in-memory PLC (no AppView) for the bluesky connector's tests.
// Prints one JSON line {"pds": url, "plc": url} once both answer, then stays up until killed.
// Run with Node 22 and NODE_PATH pointing at the node_modules `make pds-deps` installed.
const { TestNetworkNoAppView } = require('@atproto/dev-env')

async function main() {
  const network = await TestNetworkNoAppView.create({})
  const stop = async () => {
    await network.close()
    process.exit(0)
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
  process.stdout.write(
    JSON.stringify({ pds: network.pds.url, plc: network.plc.url }) + '\n',
  )
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
