// The meters, VM sizes and images the synthetic stamp uses. Meter IDs are the real Azure Stack Hub IDs, spelled the
// way a real stamp sends them: storage (and the other RP meters) upper case with hyphens, compute and managed-disk IDs
// lower case, network IDs upper case without hyphens.

export const METERS = {
  // Compute
  baseVmSizeHours: 'fab6eb84-500b-4a09-a8ca-7358f8bbaea5',
  windowsVmSizeHours: '9cd92d4c-bafd-4492-b278-bedc2de8232a',
  vmSizeHours: '6dab500f-a4fd-49c4-956d-229bb9c8c793',
  // Managed disks (Count of Disks*month and GB*month, emitted hourly as a fraction of the month)
  actualStandardDiskSize: '7ba084ec-ef9c-4d64-a179-7732c6cb5e28',
  actualPremiumDiskSize: 'daef389a-06e5-4684-a7f7-8813d9f792d5',
  // Network
  staticIp: 'F271A8A388C44D93956A063E1D2FA80B',
  dynamicIp: '9E2739BA86744796B465F64674B822BA',
  // Storage
  tableCapacity: 'B4438D5D-453B-4EE1-B42A-DC72E377F1E4',
  pageBlobCapacity: 'B5C15376-6C94-4FDD-B655-1A69D138ACA3',
  queueCapacity: 'B03C6AE7-B080-4BFA-84A3-22C800F315C6',
  blockBlobCapacity: '09F8879E-87E9-4305-A572-4B7BE209F857',
  tableTransactions: 'B9FF3CD0-28AA-4762-84BB-FF8FBAEA6A90',
  tableDataTransIn: '50A1AEAF-8ECA-48A0-8973-A5B3077FEE0D',
  tableDataTransOut: '1B8C1DEC-EE42-414B-AA36-6229CF199370',
  blobTransactions: '43DAF82B-4618-444A-B994-40C23F7CD438',
  blobDataTransIn: '9764F92C-E44A-498E-8DC1-AAD66587A810',
  blobDataTransOut: '3023FEF4-ECA5-4D7B-87B3-CFBC061931E8',
  queueTransactions: 'EB43DD12-1AA6-4C4B-872C-FAF15A6785EA',
  queueDataTransIn: 'E518E809-E369-4A45-9274-2017B29FFF25',
  queueDataTransOut: 'DD0A10BA-A5D6-4CB6-88C0-7D585CEF9FC2',
  // Resource providers
  sqlDatabaseSize: 'CBCFEF9A-B91F-4597-A4D3-01FE334BED82',
  mySqlDatabaseSize: 'E6D8CFCD-7734-495E-B1CC-5AB0B9C24BD3',
  appService: '190C935E-9ADA-48FF-9AB8-56EA1CF9ADAA',
  smallStandardAppServiceHours: '88039D51-A206-3A89-E9DE-C5117E2D10A6',
  mediumStandardAppServiceHours: '83A2A13E-4788-78DD-5D55-2831B68ED825',
  keyVaultTransactions: 'EBF13B9F-B3EA-46FE-BF54-396E93D48AB4',
} as const;

export interface DiskTier {
  name: string;
  sizeGB: number;
  meterId: string;
}

export const STANDARD_DISKS: readonly DiskTier[] = [
  { name: 'S4', sizeGB: 32, meterId: '380874f9-300c-48e0-95a0-d2d9a21ade8f' },
  { name: 'S6', sizeGB: 64, meterId: '1b77d90f-427b-4435-b4f1-d78adec53222' },
  { name: 'S10', sizeGB: 128, meterId: 'd5f7731b-f639-404a-89d0-e46186e22c8d' },
  { name: 'S15', sizeGB: 256, meterId: 'ff85ef31-da5b-4eac-95dd-a69d6f97b18a' },
  { name: 'S20', sizeGB: 512, meterId: '88ea9228-457a-4091-adc9-ad5194f30b6e' },
  { name: 'S30', sizeGB: 1024, meterId: '5b1db88a-8596-4002-8052-347947c26940' },
];

export const PREMIUM_DISKS: readonly DiskTier[] = [
  { name: 'P4', sizeGB: 32, meterId: '7660b45b-b29d-49cb-b816-59f30fbab011' },
  { name: 'P6', sizeGB: 64, meterId: '817007fd-a077-477f-bc01-b876f27205fd' },
  { name: 'P10', sizeGB: 128, meterId: 'e554b6bc-96cd-4938-a5b5-0da990278519' },
  { name: 'P15', sizeGB: 256, meterId: 'cdc0f53a-62a9-4472-a06c-e99a23b02907' },
  { name: 'P20', sizeGB: 512, meterId: 'b9cb2d1a-84c2-4275-aa8b-70d2145d59aa' },
  { name: 'P30', sizeGB: 1024, meterId: '06bde724-9f94-43c0-84c3-d0fc54538369' },
];

export interface VmSize {
  name: string;
  vcpus: number;
  /** Sizes with an "s" take premium (SSD) managed disks. */
  premium: boolean;
}

// Real Azure Stack Hub VM sizes with their real vCPU counts.
export const VM_SIZES: readonly VmSize[] = [
  { name: 'Standard_A1_v2', vcpus: 1, premium: false },
  { name: 'Standard_A2_v2', vcpus: 2, premium: false },
  { name: 'Standard_A4_v2', vcpus: 4, premium: false },
  { name: 'Standard_A8_v2', vcpus: 8, premium: false },
  { name: 'Standard_A4', vcpus: 8, premium: false },
  { name: 'Standard_D1_v2', vcpus: 1, premium: false },
  { name: 'Standard_D2_v2', vcpus: 2, premium: false },
  { name: 'Standard_D3_v2', vcpus: 4, premium: false },
  { name: 'Standard_D4_v2', vcpus: 8, premium: false },
  { name: 'Standard_D11_v2', vcpus: 2, premium: false },
  { name: 'Standard_D12_v2', vcpus: 4, premium: false },
  { name: 'Standard_DS2_v2', vcpus: 2, premium: true },
  { name: 'Standard_DS3_v2', vcpus: 4, premium: true },
  { name: 'Standard_DS4_v2', vcpus: 8, premium: true },
  { name: 'Standard_F1s', vcpus: 1, premium: true },
  { name: 'Standard_F2s', vcpus: 2, premium: true },
  { name: 'Standard_F4s', vcpus: 4, premium: true },
  { name: 'Standard_F8s', vcpus: 8, premium: true },
];

export interface VmImage {
  publisher: string;
  offer: string;
  sku: string;
  windows: boolean;
}

export const VM_IMAGES: readonly VmImage[] = [
  { publisher: 'MicrosoftWindowsServer', offer: 'WindowsServer', sku: '2019-Datacenter', windows: true },
  { publisher: 'MicrosoftWindowsServer', offer: 'WindowsServer', sku: '2016-Datacenter', windows: true },
  { publisher: 'MicrosoftWindowsServer', offer: 'WindowsServer', sku: '2012-R2-Datacenter', windows: true },
  { publisher: 'MicrosoftSQLServer', offer: 'SQL2019-WS2019', sku: 'Standard', windows: true },
  { publisher: 'Canonical', offer: 'UbuntuServer', sku: '18.04-LTS', windows: false },
  { publisher: 'Canonical', offer: 'UbuntuServer', sku: '16.04-LTS', windows: false },
  { publisher: 'RedHat', offer: 'RHEL', sku: '7.8', windows: false },
  { publisher: 'OpenLogic', offer: 'CentOS', sku: '7.5', windows: false },
];
